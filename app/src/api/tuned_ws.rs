//! `tuned_ws::Websocket`: Leptos' WebSocket server-function protocol with the same
//! wire framing (a tag byte, 0 for an item or 1 for an error, then the
//! encoded item), but with an upgrade we control. server_fn's own upgrade
//! keeps axum's default buffers, about 137 KB per idle socket on our machines;
//! a visitor widget on every page of a site needs a few KB. Input is passed on
//! with backpressure rather than dropped when the function falls behind.
//!
//! The client side is server_fn's own, unchanged: the framing is identical.
//!
//! The socket also keeps itself alive and says why it closes: it pings a
//! peer that has been quiet for `Liveness::ping_every` and closes one that
//! does not answer by the next ping; every close frame carries a code
//! (`parlor_protocol::CloseReason`, docs/protocol.md): the session's reason,
//! 1007 for a text frame that is not UTF-8, 1009 for one over `MAX_FRAME`.

use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::{BoxedStream, Decodes, Encodes, Protocol};
use std::marker::PhantomData;
use std::ops::Deref;

/// Read buffer per socket; frames are small JSON.
pub const READ_BUFFER: usize = 1024;
/// The largest frame accepted (a 4,000-character message is at most ~16 KB).
pub const MAX_FRAME: usize = 64 * 1024;

/// How often a quiet socket is pinged; one that has not answered by the
/// next ping is closed (1008). The server sets it per request (a request
/// extension); without one, this default.
#[derive(Clone, Copy, Debug)]
pub struct Liveness {
    pub ping_every: std::time::Duration,
}

impl Default for Liveness {
    fn default() -> Self {
        Self {
            ping_every: std::time::Duration::from_secs(30),
        }
    }
}

/// Whatever must live as long as the socket (a request extension), such as
/// the server's count of sockets per client address.
#[derive(Clone)]
pub struct Held(pub std::sync::Arc<dyn std::any::Any + Send + Sync>);

/// What the socket needs of the function's error type: an undecodable
/// frame as a value the session words itself, and the close that ends the
/// output.
pub trait SocketError {
    /// A frame that could not be decoded; `why` is meant for the client.
    fn bad_frame(why: String) -> Self;
    /// The close frame's code and reason, when this error ends the output.
    fn close_with(&self) -> Option<(u16, String)>;
}

impl SocketError for crate::error::AppError {
    fn bad_frame(why: String) -> Self {
        crate::error::AppError::BadFrame(why)
    }

    fn close_with(&self) -> Option<(u16, String)> {
        match self {
            crate::error::AppError::Closed { code, reason } => Some((*code, reason.clone())),
            _ => None,
        }
    }
}

/// Named `Websocket` on purpose: the `#[server]` macro recognises a streaming
/// protocol by a path segment called `Websocket` (and then does not try to
/// serialize the stream argument). Refer to it as `tuned_ws::Websocket`.
pub struct Websocket<InputEncoding, OutputEncoding>(PhantomData<(InputEncoding, OutputEncoding)>);

#[cfg(feature = "ssr")]
type ServerBackend = leptos::server_fn::axum::AxumServerFnBackend;
#[cfg(not(feature = "ssr"))]
type ServerBackend = leptos::server_fn::mock::BrowserMockServer;

impl<
        Input,
        InputItem,
        OutputItem,
        InputEncoding,
        OutputEncoding,
        Client,
        Error,
        InputStreamError,
        OutputStreamError,
    >
    Protocol<
        Input,
        BoxedStream<OutputItem, OutputStreamError>,
        Client,
        ServerBackend,
        Error,
        InputStreamError,
        OutputStreamError,
    > for Websocket<InputEncoding, OutputEncoding>
where
    Input: Deref<Target = BoxedStream<InputItem, InputStreamError>>
        + Into<BoxedStream<InputItem, InputStreamError>>
        + From<BoxedStream<InputItem, InputStreamError>>,
    InputEncoding: Encodes<InputItem> + Decodes<InputItem>,
    OutputEncoding: Encodes<OutputItem> + Decodes<OutputItem>,
    InputStreamError: FromServerFnError + SocketError + Send + Sync,
    OutputStreamError: FromServerFnError + SocketError + Send + Sync,
    Error: FromServerFnError + Send + Sync,
    Client: leptos::server_fn::client::Client<Error, InputStreamError, OutputStreamError>,
    OutputItem: Send + 'static,
    InputItem: Send + 'static,
    InputEncoding: 'static,
    OutputEncoding: 'static,
{
    const METHOD: http::Method = http::Method::GET;

    async fn run_server<F, Fut>(
        request: <ServerBackend as leptos::server_fn::server::Server<
            Error,
            InputStreamError,
            OutputStreamError,
        >>::Request,
        server_fn: F,
    ) -> Result<
        <ServerBackend as leptos::server_fn::server::Server<
            Error,
            InputStreamError,
            OutputStreamError,
        >>::Response,
        Error,
    >
    where
        F: Fn(Input) -> Fut + Send,
        Fut: std::future::Future<Output = Result<BoxedStream<OutputItem, OutputStreamError>, Error>>
            + Send,
    {
        #[cfg(feature = "ssr")]
        return server::run::<
            Input,
            F,
            Fut,
            InputEncoding,
            OutputEncoding,
            InputItem,
            OutputItem,
            Error,
            InputStreamError,
            OutputStreamError,
        >(request, server_fn)
        .await;
        // The browser build has no server; the mock never runs this.
        #[cfg(not(feature = "ssr"))]
        return <leptos::server_fn::Websocket<InputEncoding, OutputEncoding> as Protocol<
            Input,
            BoxedStream<OutputItem, OutputStreamError>,
            Client,
            ServerBackend,
            Error,
            InputStreamError,
            OutputStreamError,
        >>::run_server(request, server_fn)
        .await;
    }

    fn run_client(
        path: &str,
        input: Input,
    ) -> impl std::future::Future<Output = Result<BoxedStream<OutputItem, OutputStreamError>, Error>>
           + Send {
        <leptos::server_fn::Websocket<InputEncoding, OutputEncoding> as Protocol<
            Input,
            BoxedStream<OutputItem, OutputStreamError>,
            Client,
            ServerBackend,
            Error,
            InputStreamError,
            OutputStreamError,
        >>::run_client(path, input)
    }
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use leptos::server_fn::error::ServerFnErrorErr;

    /// Decoded frames waiting for the server function.
    const INBOX: usize = 16;
    use futures::StreamExt;
    use http::{Request, Response};
    use leptos::server_fn::axum_export::body::Body;
    use leptos::server_fn::axum_export::extract::ws::{
        CloseFrame, Message, WebSocket, WebSocketUpgrade,
    };
    use leptos::server_fn::axum_export::extract::FromRequest;
    use leptos::server_fn::Bytes;
    use parlor_protocol::CloseReason;

    /// A frame as the function's input: the tag byte 0 then the item, or a
    /// bad frame saying what was wrong, without the decoder's positions.
    fn decode<T, Enc: Decodes<T>, E: SocketError>(bytes: Bytes) -> Result<T, E> {
        match bytes.first() {
            Some(0) => Enc::decode(bytes.slice(1..)).map_err(|e| {
                let text = e.to_string();
                // serde_json ends its messages with where it stopped.
                let text = match text.rfind(" at line ") {
                    Some(at) => &text[..at],
                    None => &text,
                };
                E::bad_frame(format!("not a frame of docs/protocol.md: {text}"))
            }),
            _ => Err(E::bad_frame(
                "a frame starts with the tag byte 0, then the JSON".into(),
            )),
        }
    }

    fn encode<T, Enc: Encodes<T>, E: FromServerFnError>(item: Result<T, E>) -> Bytes {
        let (tag, body) = match item {
            Ok(value) => match Enc::encode(&value) {
                Ok(bytes) => (0u8, bytes),
                Err(e) => (
                    1,
                    E::from_server_fn_error(ServerFnErrorErr::Serialization(e.to_string())).ser(),
                ),
            },
            Err(e) => (1, e.ser()),
        };
        let mut frame = Vec::with_capacity(1 + body.len());
        frame.push(tag);
        frame.extend_from_slice(&body);
        Bytes::from(frame)
    }

    pub async fn run<Input, F, Fut, IE, OE, InputItem, OutputItem, E, ISE, OSE>(
        mut request: Request<Body>,
        server_fn: F,
    ) -> Result<Response<Body>, E>
    where
        Input: From<BoxedStream<InputItem, ISE>>,
        F: Fn(Input) -> Fut + Send,
        Fut: std::future::Future<Output = Result<BoxedStream<OutputItem, OSE>, E>> + Send,
        IE: Decodes<InputItem> + 'static,
        OE: Encodes<OutputItem> + 'static,
        InputItem: Send + 'static,
        OutputItem: Send + 'static,
        E: FromServerFnError + Send + Sync,
        ISE: FromServerFnError + SocketError + Send + Sync,
        OSE: FromServerFnError + SocketError + Send + Sync,
    {
        let liveness = request
            .extensions()
            .get::<Liveness>()
            .copied()
            .unwrap_or_default();
        let held = request.extensions_mut().remove::<Held>();
        let upgrade = WebSocketUpgrade::from_request(request, &())
            .await
            .map_err(|e| E::from_server_fn_error(ServerFnErrorErr::Request(e.to_string())))?;
        let (to_fn, from_socket) = futures::channel::mpsc::channel::<Result<InputItem, ISE>>(INBOX);
        let output = server_fn(Input::from(BoxedStream::from(from_socket))).await?;
        let response = upgrade
            .read_buffer_size(READ_BUFFER)
            .write_buffer_size(0)
            .max_message_size(MAX_FRAME)
            .max_frame_size(MAX_FRAME)
            // No `async` block around `pump`: it would hold the socket and
            // the rest twice, captured and inside the future it awaits.
            .on_upgrade(move |socket| {
                pump::<IE, OE, _, _, _, _>(socket, to_fn, output, liveness, held)
            });
        Ok(response)
    }

    /// The close for a read that failed: the peer broke a rule of the
    /// protocol (a frame too big, a text frame not UTF-8), or is gone.
    fn read_failure(e: leptos::server_fn::axum_export::Error) -> Option<(u16, String)> {
        use tungstenite::error::{CapacityError, Error as WsError};
        let inner = e.into_inner();
        match inner.downcast_ref::<WsError>() {
            Some(WsError::Utf8(_)) => Some(close(CloseReason::InvalidUtf8)),
            Some(WsError::Capacity(CapacityError::MessageTooLong { .. })) => Some((
                CloseReason::TooBig.code(),
                format!("frames are at most {MAX_FRAME} bytes"),
            )),
            Some(WsError::Protocol(_) | WsError::Capacity(_)) => {
                Some((1002, "the frame broke the WebSocket protocol".to_string()))
            }
            _ => None,
        }
    }

    fn close(reason: CloseReason) -> (u16, String) {
        (reason.code(), reason.describe().to_string())
    }

    async fn pump<IE, OE, InputItem, OutputItem, ISE, OSE>(
        mut socket: WebSocket,
        mut to_fn: futures::channel::mpsc::Sender<Result<InputItem, ISE>>,
        mut output: BoxedStream<OutputItem, OSE>,
        liveness: Liveness,
        // Kept until the socket closes (it is dropped with this future).
        _held: Option<Held>,
    ) where
        IE: Decodes<InputItem>,
        OE: Encodes<OutputItem>,
        ISE: SocketError,
        OSE: FromServerFnError + SocketError,
    {
        let every = liveness.ping_every;
        // A timer inline, re-armed at each tick (an `Interval` would be one
        // more allocation per socket).
        let ping = tokio::time::sleep(every);
        tokio::pin!(ping);
        // Whether the peer said anything since the last tick, and whether a
        // ping is waiting for its answer.
        let mut heard = false;
        let mut pinged = false;
        // One decoded frame waiting for the function. While it waits, the
        // socket is not read (backpressure), but output keeps flowing: the
        // function may be waiting for room in its output before it takes
        // more input, and both waiting at once would be a deadlock.
        let mut pending: Option<Result<InputItem, ISE>> = None;
        let closing = loop {
            tokio::select! {
                incoming = socket.recv(), if pending.is_none() => {
                    heard = true;
                    pinged = false;
                    let bytes = match incoming {
                        Some(Ok(Message::Binary(b))) => b,
                        Some(Ok(Message::Text(t))) => Bytes::from(t),
                        // axum answers pings itself.
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Close(_))) | None => break None,
                        Some(Err(e)) => break read_failure(e),
                    };
                    pending = Some(decode::<InputItem, IE, ISE>(bytes));
                }
                ready = futures::future::poll_fn(|cx| to_fn.poll_ready(cx)), if pending.is_some() => {
                    let sent = ready.is_ok()
                        && pending.take().is_some_and(|item| to_fn.start_send(item).is_ok());
                    if !sent {
                        break Some(close(CloseReason::Normal));
                    }
                }
                outgoing = output.next() => {
                    let item = match outgoing {
                        None => break Some(close(CloseReason::Normal)),
                        Some(Err(e)) => match e.close_with() {
                            Some(closing) => break Some(closing),
                            None => Err(e),
                        },
                        Some(Ok(item)) => Ok(item),
                    };
                    if socket.send(Message::Binary(encode::<OutputItem, OE, OSE>(item))).await.is_err() {
                        break None;
                    }
                }
                () = &mut ping => {
                    ping.as_mut().reset(tokio::time::Instant::now() + every);
                    if pinged {
                        let quiet = format!("no pong within {} s", every.as_secs());
                        break Some((CloseReason::Policy.code(), quiet));
                    }
                    if !heard {
                        if socket.send(Message::Ping(Bytes::new())).await.is_err() {
                            break None;
                        }
                        pinged = true;
                    }
                    heard = false;
                }
            }
        };
        if let Some((code, reason)) = closing {
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            let _ = socket.send(Message::Close(Some(frame))).await;
        }
    }
}
