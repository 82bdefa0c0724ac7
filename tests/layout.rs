//! The shape ARCHITECTURE.md promises for `src/`, checked on the source
//! text: no file over about 500 lines, and no two files that import each
//! other, directly or round a longer loop. A child naming its parent (or
//! any ancestor) is the module tree, not a cycle; doc comments and inline
//! test modules are not imports.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// "About 500": a file may run a little over while a split is planned.
const MAX_LINES: usize = 520;

type Module = Vec<String>;

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn src_files() -> Vec<(Module, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&root).expect("under src/");
            let mut module: Module = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            (module, path)
        })
        .collect()
}

/// The code of a file: comments and everything from the inline test
/// module on are dropped.
fn code_of(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|l| l.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if !trimmed.starts_with("//") {
            code.push_str(line);
            code.push('\n');
        }
    }
    code
}

/// Every `crate::…`, `super::…` and `self::…` path in `code`, as segments;
/// a group (`use super::{a::X, b}`) gives one path for each member.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for (start, _) in code.match_indices("::") {
        // Only the first `::` of a path: walk back over its first segment.
        let before = &code[..start];
        let first_start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        if code[..first_start].ends_with("::") {
            continue;
        }
        if !matches!(&before[first_start..], "crate" | "super" | "self") {
            continue;
        }
        expand(Vec::new(), &code[first_start..], &mut paths);
    }
    paths
}

/// The path at the start of `text`, after the segments in `base`.
fn expand(mut base: Vec<String>, text: &str, paths: &mut Vec<Vec<String>>) {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    base.extend(
        text[..end]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    );
    let group = text[end..]
        .strip_prefix('{')
        .filter(|_| text[..end].ends_with("::"));
    let Some(group) = group else {
        paths.push(base);
        return;
    };
    // The group's members, split at the commas of its own level.
    let mut depth = 0;
    let mut member_start = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                expand(base.clone(), group[member_start..i].trim_start(), paths);
                return;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand(base.clone(), group[member_start..i].trim_start(), paths);
                member_start = i + 1;
            }
            _ => {}
        }
    }
}

/// The file module a path in `from` names: its longest prefix that is a file.
fn target(from: &Module, path: &[String], modules: &BTreeSet<Module>) -> Option<Module> {
    let (mut full, rest): (Module, &[String]) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (from.clone(), &path[1..]),
        Some("super") => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            let keep = from.len().checked_sub(ups)?;
            (from[..keep].to_vec(), &path[ups..])
        }
        _ => return None,
    };
    full.extend(rest.iter().cloned());
    (0..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|m| modules.contains(m))
}

fn import_graph() -> BTreeMap<Module, BTreeSet<Module>> {
    let files = src_files();
    let modules: BTreeSet<Module> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph = BTreeMap::new();
    for (module, path) in &files {
        let text = fs::read_to_string(path).expect("a source file");
        let edges: BTreeSet<Module> = paths_in(&code_of(&text))
            .iter()
            .filter_map(|p| target(module, p, &modules))
            .filter(|t| t != module && !module.starts_with(t))
            .collect();
        graph.insert(module.clone(), edges);
    }
    graph
}

/// A loop of imports through `start`, if there is one.
fn cycle_through(
    graph: &BTreeMap<Module, BTreeSet<Module>>,
    start: &Module,
) -> Option<Vec<Module>> {
    let mut stack = vec![(start.clone(), vec![start.clone()])];
    let mut seen = BTreeSet::new();
    while let Some((at, trail)) = stack.pop() {
        for next in graph.get(&at).into_iter().flatten() {
            if next == start {
                return Some(trail);
            }
            if seen.insert(next.clone()) {
                let mut longer = trail.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

#[test]
fn no_file_under_src_is_over_about_500_lines() {
    let long: Vec<String> = src_files()
        .into_iter()
        .filter_map(|(_, path)| {
            let lines = fs::read_to_string(&path)
                .expect("a source file")
                .lines()
                .count();
            (lines > MAX_LINES).then(|| format!("{} has {lines} lines", path.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these into folders of files: {long:#?}"
    );
}

#[test]
fn no_two_files_under_src_import_each_other() {
    let graph = import_graph();
    // The checker reads the edges it must: the service imports the policy.
    let service = vec!["service".to_owned()];
    assert!(
        graph[&service]
            .iter()
            .any(|m| m.first().is_some_and(|s| s == "policy")),
        "{:?}",
        graph[&service]
    );
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| cycle_through(&graph, m))
        .map(|trail| {
            let names: Vec<String> = trail.iter().map(|m| m.join("::")).collect();
            format!("{} -> back", names.join(" -> "))
        })
        .collect();
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

#[test]
fn the_checker_sees_a_cycle_and_ignores_the_tree_and_comments() {
    let a: Module = vec!["a".to_owned()];
    let b: Module = vec!["b".to_owned()];
    let modules: BTreeSet<Module> = [a.clone(), b.clone(), Vec::new()].into();
    let code = code_of(
        "use crate::{b::Thing, c};\n/// [`X`](super::a::X)\nfn f() { super::super::x(); }\n#[cfg(test)]\nmod tests { use crate::a::Y; }\n",
    );
    let targets: Vec<Module> = paths_in(&code)
        .iter()
        .filter_map(|p| target(&a, p, &modules))
        .collect();
    // `crate::{b::…}` is an import of b (and `c`, no file, of the root);
    // the doc link and the test module are not imports.
    assert_eq!(targets, vec![b.clone(), Vec::new()]);

    let mut graph = BTreeMap::new();
    graph.insert(a.clone(), BTreeSet::from([b.clone()]));
    graph.insert(b.clone(), BTreeSet::from([a.clone()]));
    assert_eq!(cycle_through(&graph, &a), Some(vec![a.clone(), b.clone()]));
    graph.insert(b.clone(), BTreeSet::new());
    assert_eq!(cycle_through(&graph, &a), None);
}
