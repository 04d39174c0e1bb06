//! `tuned_ws::Websocket`: Leptos' WebSocket server-function protocol with the same
//! wire framing (a tag byte, 0 for an item or 1 for an error, then the
//! encoded item), but with an upgrade we control. server_fn's own upgrade
//! keeps axum's default buffers, about 137 KB per idle socket on our machines;
//! a visitor widget on every page of a site needs a few KB. Input is passed on
//! with backpressure rather than dropped when the function falls behind.
//!
//! The client side is server_fn's own, unchanged: the framing is identical.

use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::{BoxedStream, Decodes, Encodes, Protocol};
use std::marker::PhantomData;
use std::ops::Deref;

/// Read buffer per socket; frames are small JSON.
pub const READ_BUFFER: usize = 1024;
/// The largest frame accepted (a 4,000-character message is at most ~16 KB).
pub const MAX_FRAME: usize = 64 * 1024;

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
    InputStreamError: FromServerFnError + Send + Sync,
    OutputStreamError: FromServerFnError + Send + Sync,
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
    use leptos::server_fn::axum_export::extract::ws::{Message, WebSocket, WebSocketUpgrade};
    use leptos::server_fn::axum_export::extract::FromRequest;
    use leptos::server_fn::Bytes;

    fn decode<T, Enc: Decodes<T>, E: FromServerFnError>(bytes: Bytes) -> Result<T, E> {
        match bytes.first() {
            Some(0) => Enc::decode(bytes.slice(1..)).map_err(|e| {
                E::from_server_fn_error(ServerFnErrorErr::Deserialization(e.to_string()))
            }),
            Some(1) => Err(E::de(bytes.slice(1..))),
            _ => Err(E::from_server_fn_error(ServerFnErrorErr::Deserialization(
                "a frame starts with the tag byte 0 or 1".into(),
            ))),
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
        request: Request<Body>,
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
        ISE: FromServerFnError + Send + Sync,
        OSE: FromServerFnError + Send + Sync,
    {
        let upgrade = WebSocketUpgrade::from_request(request, &())
            .await
            .map_err(|e| E::from_server_fn_error(ServerFnErrorErr::Request(e.to_string())))?;
        let (to_fn, from_socket) = futures::channel::mpsc::channel::<Result<InputItem, ISE>>(INBOX);
        let output = server_fn(Input::from(BoxedStream::from(from_socket))).await?;
        let response = upgrade
            .read_buffer_size(READ_BUFFER)
            .write_buffer_size(0)
            .max_message_size(MAX_FRAME)
            .on_upgrade(move |socket| pump::<IE, OE, _, _, _, _>(socket, to_fn, output));
        Ok(response)
    }

    async fn pump<IE, OE, InputItem, OutputItem, ISE, OSE>(
        mut socket: WebSocket,
        mut to_fn: futures::channel::mpsc::Sender<Result<InputItem, ISE>>,
        mut output: BoxedStream<OutputItem, OSE>,
    ) where
        IE: Decodes<InputItem>,
        OE: Encodes<OutputItem>,
        ISE: FromServerFnError,
        OSE: FromServerFnError,
    {
        // One decoded frame waiting for the function. While it waits, the
        // socket is not read (backpressure), but output keeps flowing: the
        // function may be waiting for room in its output before it takes
        // more input, and both waiting at once would be a deadlock.
        let mut pending: Option<Result<InputItem, ISE>> = None;
        loop {
            tokio::select! {
                incoming = socket.recv(), if pending.is_none() => {
                    let bytes = match incoming {
                        Some(Ok(Message::Binary(b))) => b,
                        Some(Ok(Message::Text(t))) => Bytes::from(t.as_str().as_bytes().to_vec()),
                        // axum answers pings itself.
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                    };
                    pending = Some(decode::<InputItem, IE, ISE>(bytes));
                }
                ready = futures::future::poll_fn(|cx| to_fn.poll_ready(cx)), if pending.is_some() => {
                    let sent = ready.is_ok()
                        && pending.take().is_some_and(|item| to_fn.start_send(item).is_ok());
                    if !sent {
                        break;
                    }
                }
                outgoing = output.next() => {
                    let Some(item) = outgoing else { break };
                    if socket.send(Message::Binary(encode::<OutputItem, OE, OSE>(item))).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = socket.send(Message::Close(None)).await;
    }
}
