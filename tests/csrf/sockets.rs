//! WebSocket handshakes over a real socket: an axum echo route behind
//! `CorsLayer` and `CsrfLayer`, served by hyper on 127.0.0.1, driven by a
//! real WebSocket client (tokio-tungstenite) that sends the `Origin` and
//! `Sec-Fetch-Site` a browser would. A passing handshake must still upgrade
//! (the `101` and hyper's upgrade flow through both layers); a refused one
//! is a `403` before the handler runs.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response as AxumResponse;
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Error as WsError};

use crate::support::*;

/// How many handshakes reached the handler.
#[derive(Clone, Default)]
struct Handled(Arc<AtomicUsize>);

async fn echo_route(State(handled): State<Handled>, upgrade: WebSocketUpgrade) -> AxumResponse {
    handled.0.fetch_add(1, Ordering::SeqCst);
    upgrade.on_upgrade(echo)
}

async fn echo(mut socket: WebSocket) {
    while let Some(Ok(message)) = socket.recv().await {
        if let Message::Text(text) = message {
            let reply = format!("echo:{}", text.as_str());
            if socket.send(Message::Text(reply.into())).await.is_err() {
                return;
            }
        }
    }
}

/// The policy every server here shares: one allowed (so trusted) origin.
fn policy() -> Policy {
    Policy::builder()
        .allow_origins([APP])
        .allow_methods(["POST"])
        .allow_credentials(true)
        .build()
        .expect("policy")
}

/// Serves `/live` behind the guard `csrf` inside `CorsLayer`; returns the
/// port and the handler's counter.
async fn serve(csrf: CsrfLayer) -> (u16, Handled, tokio::task::JoinHandle<()>) {
    let handled = Handled::default();
    let app = Router::new()
        .route("/live", get(echo_route))
        .with_state(handled.clone())
        .layer(csrf)
        .layer(CorsLayer::new(policy()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listen on 127.0.0.1");
    let port = listener.local_addr().expect("address").port();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (port, handled, task)
}

/// Opens `ws://127.0.0.1:port/live` with these extra header lines.
async fn open(
    port: u16,
    headers: &[(&'static str, String)],
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    WsError,
> {
    let mut request = format!("ws://127.0.0.1:{port}/live")
        .into_client_request()
        .expect("client request");
    for (name, value) in headers {
        request
            .headers_mut()
            .append(*name, value.parse().expect("header value"));
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(stream, _)| stream)
}

/// Sends one message on a fresh socket and returns the echo.
async fn exchange(port: u16, headers: &[(&'static str, String)]) -> Result<String, String> {
    let mut socket = open(port, headers).await.map_err(|e| e.to_string())?;
    socket
        .send(tungstenite::Message::text("ping"))
        .await
        .map_err(|e| e.to_string())?;
    match socket.next().await {
        Some(Ok(tungstenite::Message::Text(text))) => Ok(text.as_str().to_owned()),
        other => Err(format!("no echo: {other:?}")),
    }
}

/// What a refused handshake answered: its status and `csrf-refusal`.
async fn refusal(port: u16, headers: &[(&'static str, String)]) -> (u16, String) {
    match open(port, headers).await {
        Err(WsError::Http(response)) => (
            response.status().as_u16(),
            response
                .headers()
                .get(CSRF_REFUSAL.as_str())
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_owned(),
        ),
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("the handshake was accepted"),
    }
}

fn from(site: Option<&str>, origin: &str) -> Vec<(&'static str, String)> {
    let mut lines = vec![("origin", origin.to_owned())];
    if let Some(site) = site {
        lines.push(("sec-fetch-site", site.to_owned()));
    }
    lines
}

#[tokio::test]
async fn trusted_and_same_origin_sockets_exchange_messages() {
    let (port, handled, task) = serve(CsrfLayer::from_policy(&policy())).await;
    let same_origin = format!("http://127.0.0.1:{port}");
    // An older browser: Origin against Host.
    assert_eq!(
        exchange(port, &from(None, &same_origin)).await,
        Ok("echo:ping".to_owned())
    );
    // A current one, same origin.
    assert_eq!(
        exchange(port, &from(Some("same-origin"), &same_origin)).await,
        Ok("echo:ping".to_owned())
    );
    // The origin the CORS policy allows, from another site.
    assert_eq!(
        exchange(port, &from(Some("cross-site"), APP)).await,
        Ok("echo:ping".to_owned())
    );
    assert_eq!(
        exchange(port, &from(None, APP)).await,
        Ok("echo:ping".to_owned())
    );
    // No browser at all.
    assert_eq!(exchange(port, &[]).await, Ok("echo:ping".to_owned()));
    assert_eq!(handled.0.load(Ordering::SeqCst), 5);
    task.abort();
}

#[tokio::test]
async fn an_untrusted_origin_is_refused_before_the_handler() {
    let (port, handled, task) = serve(CsrfLayer::from_policy(&policy())).await;
    assert_eq!(
        refusal(port, &from(Some("cross-site"), EVIL)).await,
        (403, "cross-site websocket handshake".to_owned())
    );
    assert_eq!(
        refusal(port, &from(Some("same-site"), "https://evil.example.com")).await,
        (403, "same-site websocket handshake".to_owned())
    );
    assert_eq!(
        refusal(port, &from(None, EVIL)).await,
        (403, "websocket origin does not match host".to_owned())
    );
    // Another port of the same host is another origin.
    assert_eq!(
        refusal(
            port,
            &from(None, &format!("http://127.0.0.1:{}", port.wrapping_add(1)))
        )
        .await,
        (403, "websocket origin does not match host".to_owned())
    );
    assert_eq!(handled.0.load(Ordering::SeqCst), 0, "the handler never ran");
    task.abort();
}

#[tokio::test]
async fn the_opt_out_lets_every_origin_open_a_socket() {
    let trusted = Trusted::builder()
        .trust_policy(&policy())
        .allow_cross_site_websockets_dangerously()
        .build()
        .expect("trust");
    let (port, handled, task) = serve(CsrfLayer::trusting(trusted)).await;
    assert_eq!(
        exchange(port, &from(Some("cross-site"), EVIL)).await,
        Ok("echo:ping".to_owned())
    );
    assert_eq!(
        exchange(port, &from(None, EVIL)).await,
        Ok("echo:ping".to_owned())
    );
    assert_eq!(handled.0.load(Ordering::SeqCst), 2);
    task.abort();
}
