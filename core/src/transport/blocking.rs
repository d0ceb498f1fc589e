//! The blocking transport: the HTTP/1.1 exchanges of a call made on the thread that runs it, on
//! blocking sockets, for [`Client::execute_blocking_io`](crate::Client::execute_blocking_io).
//!
//! A blocking call through [`ReqwestTransport`](super::ReqwestTransport) hands its exchange to
//! the runtime's threads (hyper's connection task, the I/O driver) and waits: at concurrency 1
//! two thread hand-offs and hyper's machinery per exchange. Here the calling thread writes the
//! request and reads the answer itself, as a blocking HTTP client does. Same rules as the
//! default transport: the same TLS (rustls, its crypto provider and the platform's certificate
//! verifier), the same `User-Agent`, one `max_connections` limit shared with it, answers read up
//! to `max_response_bytes`, idle connections kept for 60 s, nothing retried here.
//!
//! Not used when a proxy applies (`proxy_url`, or the `*_PROXY` variables): those calls go
//! through the default transport.
//!
//! Failure semantics, as [`TransportErrorKind`] states them: a connection that cannot be made
//! (DNS, TCP, TLS handshake) is `Connect`, nothing sent. A kept-alive connection the processor
//! closed is found before it is used (a non-blocking peek) and dropped; if it closes while the
//! request is being written (the write fails: the processor cannot have the whole request),
//! the request is written again once on a new connection. Once the request is written, any
//! failure is `Io` or `Timeout`: it may have been processed.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue};

use super::{
    acquire_slot, user_agent, HttpTransport, SendFuture, TransportError, TransportErrorKind,
    TransportOptions, UrlCache,
};
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::types::Bytes;

/// How long an idle connection is kept (as the default transport's pool).
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest status line and header block read.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The most response headers read.
const MAX_HEADERS: usize = 128;
/// The environment variables through which reqwest picks a proxy.
const PROXY_VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// HTTP/1.1 over blocking sockets, with a pool of kept-alive connections per origin. Its
/// [`HttpTransport::send`] future does the exchange in its first poll, blocking the thread
/// that polls it: only [`Client::execute_blocking_io`](crate::Client::execute_blocking_io)
/// uses it, on a caller's own thread.
pub(crate) struct BlockingTransport {
    pub(super) dialer: Dialer,
    user_agent: String,
    pub(super) max_response_bytes: u64,
    /// The most idle connections kept per origin.
    max_idle: usize,
    idle: Mutex<HashMap<Origin, Vec<Idle>>>,
    pub(super) slots: Arc<tokio::sync::Semaphore>,
    urls: UrlCache,
}

/// Makes new connections (DNS, TCP, TLS handshake), blocking the calling thread.
#[derive(Clone)]
pub(super) struct Dialer {
    tls: Arc<rustls::ClientConfig>,
    connect_timeout: Duration,
}

/// Where a connection goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Origin {
    https: bool,
    host: String,
    port: u16,
}

struct Idle {
    conn: Conn,
    since: Instant,
}

pub(super) enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Conn {
    pub(super) fn socket(&self) -> &TcpStream {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => &s.sock,
        }
    }

    /// Whether a kept-alive connection can carry a request: nothing to read (no EOF, no
    /// stray bytes, no TLS alert) without blocking, and for TLS nothing left over from the last
    /// answer (a close_notify read along with it, or bytes past it). The socket is left
    /// blocking, or not.
    fn is_reusable(&mut self, blocking: bool) -> bool {
        if let Conn::Tls(s) = self {
            match s.conn.process_new_packets() {
                Ok(state) if !state.peer_has_closed() && state.plaintext_bytes_to_read() == 0 => {}
                _ => return false,
            }
        }
        let socket = self.socket();
        if socket.set_nonblocking(true).is_err() {
            return false;
        }
        let idle =
            matches!(socket.peek(&mut [0u8; 1]), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        idle && (!blocking || socket.set_nonblocking(false).is_ok())
    }

    /// The time left until `deadline`, as the socket's timeout for the next `read` (or
    /// `write`); `false` when it has passed.
    fn until(&self, deadline: Instant, write: bool) -> bool {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        let socket = self.socket();
        if write {
            socket.set_write_timeout(Some(left)).is_ok()
        } else {
            socket.set_read_timeout(Some(left)).is_ok()
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

fn failure(kind: TransportErrorKind, message: impl Into<String>) -> TransportError {
    TransportError {
        kind,
        message: message.into(),
    }
}

/// An I/O error while exchanging (after the request may have been sent).
pub(super) fn exchange_error(e: &io::Error) -> TransportError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => TransportError::timed_out(),
        _ => TransportError::failed(e),
    }
}

impl BlockingTransport {
    /// The transport for `options`, sharing `slots` (the `max_connections` limit) with the
    /// default transport; `None` when a proxy applies.
    pub(crate) fn new(
        options: &TransportOptions,
        slots: Arc<tokio::sync::Semaphore>,
    ) -> Result<Option<BlockingTransport>> {
        let proxied = options.proxy_url.is_some()
            || PROXY_VARIABLES
                .iter()
                .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
        if proxied {
            return Ok(None);
        }
        Ok(Some(BlockingTransport {
            dialer: Dialer {
                tls: tls_config()?,
                connect_timeout: Duration::from_millis(options.connect_timeout_ms),
            },
            user_agent: user_agent(options),
            max_response_bytes: options.max_response_bytes,
            max_idle: options.max_connections as usize,
            idle: Mutex::new(HashMap::new()),
            slots,
            urls: UrlCache::default(),
        }))
    }

    /// One exchange, until `deadline`, on the calling thread.
    fn exchange(
        &self,
        request: &HttpRequest,
        deadline: Instant,
    ) -> std::result::Result<HttpResponse, TransportError> {
        let (url, origin, head) = self.prepare(request)?;
        let body = request.body.as_ref().map_or(&[][..], |b| b.0.as_slice());

        // A kept-alive connection, or a new one. A kept-alive one that fails while the request
        // is being written was closed by the processor: written again on a new connection.
        let mut conn = match self.take_idle(&origin, true) {
            Some(mut conn) => match write_request(&mut conn, &head, body, deadline) {
                Ok(()) => conn,
                Err(_) => {
                    let mut conn = self.dialer.connect(&origin, &url, deadline)?;
                    write_request(&mut conn, &head, body, deadline)?;
                    conn
                }
            },
            None => {
                let mut conn = self.dialer.connect(&origin, &url, deadline)?;
                write_request(&mut conn, &head, body, deadline)?;
                conn
            }
        };
        let mut received = Received::default();
        let (response, reusable) = read_response(
            &mut conn,
            &mut received,
            Some(deadline),
            self.max_response_bytes,
        )
        .map_err(Unread::blocking)?;
        if reusable {
            self.put_idle(origin, conn);
        }
        Ok(response)
    }

    /// The request's parsed URL, its origin, and its head (request line and headers).
    pub(super) fn prepare(
        &self,
        request: &HttpRequest,
    ) -> std::result::Result<(url::Url, Origin, Vec<u8>), TransportError> {
        let url = self.urls.get(&request.url).ok_or_else(|| {
            failure(
                TransportErrorKind::Connect,
                "the request's URL is not valid; the request was not sent",
            )
        })?;
        let origin = origin(&url)?;
        let head = self.encode(request, &url)?;
        Ok((url, origin, head))
    }

    /// The request line and headers (lowercase names, as the default transport sends them).
    fn encode(
        &self,
        request: &HttpRequest,
        url: &url::Url,
    ) -> std::result::Result<Vec<u8>, TransportError> {
        let invalid = |what: &str| {
            failure(
                TransportErrorKind::Connect,
                format!("the request has an invalid header {what}; the request was not sent"),
            )
        };
        let mut head = Vec::with_capacity(512);
        head.extend_from_slice(request.method.as_str().as_bytes());
        head.push(b' ');
        head.extend_from_slice(url.path().as_bytes());
        if let Some(query) = url.query() {
            head.push(b'?');
            head.extend_from_slice(query.as_bytes());
        }
        head.extend_from_slice(b" HTTP/1.1\r\nhost: ");
        head.extend_from_slice(url.host_str().unwrap_or_default().as_bytes());
        if let Some(port) = url.port() {
            head.extend_from_slice(format!(":{port}").as_bytes());
        }
        head.extend_from_slice(b"\r\n");
        let (mut has_agent, mut has_accept) = (false, false);
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("name"))?;
            let value = HeaderValue::from_str(value).map_err(|_| invalid("value"))?;
            match name.as_str() {
                // Set from the body below, as the default transport does.
                "host" | "content-length" | "transfer-encoding" | "connection" => continue,
                "user-agent" => has_agent = true,
                "accept" => has_accept = true,
                _ => {}
            }
            head.extend_from_slice(name.as_str().as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        if !has_agent {
            head.extend_from_slice(b"user-agent: ");
            head.extend_from_slice(self.user_agent.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        if !has_accept {
            head.extend_from_slice(b"accept: */*\r\n");
        }
        if let Some(body) = &request.body {
            head.extend_from_slice(format!("content-length: {}\r\n", body.0.len()).as_bytes());
        }
        head.extend_from_slice(b"\r\n");
        Ok(head)
    }

    /// A kept-alive connection to `origin` that can carry a request, its socket blocking or
    /// not.
    pub(super) fn take_idle(&self, origin: &Origin, blocking: bool) -> Option<Conn> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let conns = idle.get_mut(origin)?;
        while let Some(Idle { mut conn, since }) = conns.pop() {
            if since.elapsed() < IDLE_TIMEOUT && conn.is_reusable(blocking) {
                return Some(conn);
            }
        }
        None
    }

    pub(super) fn put_idle(&self, origin: Origin, conn: Conn) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let conns = idle.entry(origin).or_default();
        conns.retain(|c| c.since.elapsed() < IDLE_TIMEOUT);
        if conns.len() < self.max_idle {
            conns.push(Idle {
                conn,
                since: Instant::now(),
            });
        }
    }
}

impl Dialer {
    /// A new connection (TLS handshake done); every failure is `Connect`: nothing was sent.
    pub(super) fn connect(
        &self,
        origin: &Origin,
        url: &url::Url,
        deadline: Instant,
    ) -> std::result::Result<Conn, TransportError> {
        let refused = |e: String| TransportError::connect(&e);
        let addresses = resolve(
            url,
            origin,
            deadline.min(Instant::now() + self.connect_timeout),
        )?;
        let mut last = io::Error::new(io::ErrorKind::NotFound, "the host has no address");
        let mut socket = None;
        for address in addresses {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(TransportError::timed_out());
            }
            match TcpStream::connect_timeout(&address, left.min(self.connect_timeout)) {
                Ok(s) => {
                    socket = Some(s);
                    break;
                }
                Err(e) => last = e,
            }
        }
        let socket = socket.ok_or_else(|| refused(last.to_string()))?;
        socket
            .set_nodelay(true)
            .map_err(|e| refused(e.to_string()))?;
        if !origin.https {
            return Ok(Conn::Plain(socket));
        }
        let name = match url.host() {
            Some(url::Host::Domain(d)) => rustls::pki_types::ServerName::try_from(d.to_string())
                .map_err(|e| refused(e.to_string()))?,
            Some(url::Host::Ipv4(ip)) => {
                rustls::pki_types::ServerName::from(std::net::IpAddr::V4(ip))
            }
            Some(url::Host::Ipv6(ip)) => {
                rustls::pki_types::ServerName::from(std::net::IpAddr::V6(ip))
            }
            None => return Err(refused("the URL has no host".to_string())),
        };
        let tls = rustls::ClientConnection::new(self.tls.clone(), name)
            .map_err(|e| refused(format!("TLS: {e}")))?;
        let mut stream = rustls::StreamOwned::new(tls, socket);
        let conn_deadline = deadline.min(Instant::now() + self.connect_timeout);
        while stream.conn.is_handshaking() {
            let left = conn_deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(refused(
                    "the TLS handshake did not finish in time".to_string(),
                ));
            }
            let _ = stream.sock.set_read_timeout(Some(left));
            let _ = stream.sock.set_write_timeout(Some(left));
            stream
                .conn
                .complete_io(&mut stream.sock)
                .map_err(|e| refused(format!("TLS handshake: {e}")))?;
        }
        Ok(Conn::Tls(Box::new(stream)))
    }
}

impl HttpTransport for BlockingTransport {
    fn send<'a>(&'a self, request: &'a HttpRequest, timeout: Duration) -> SendFuture<'a> {
        Box::pin(async move {
            let deadline = Instant::now() + timeout;
            let _slot = acquire_slot(&self.slots, timeout).await?;
            self.exchange(request, deadline)
        })
    }
}

/// The addresses of the URL's host. A name is resolved on a thread of its own, waited for
/// until `deadline` (the system resolver cannot be interrupted, and its own timeouts can be
/// much longer than a call's): a name not resolved in time is `Connect`, nothing sent.
fn resolve(
    url: &url::Url,
    origin: &Origin,
    deadline: Instant,
) -> std::result::Result<Vec<SocketAddr>, TransportError> {
    let refused = |e: &dyn std::fmt::Display| TransportError::connect(e);
    let Some(url::Host::Domain(name)) = url.host() else {
        // An address: nothing to resolve.
        return url.socket_addrs(|| None).map_err(|e| refused(&e));
    };
    let (name, port) = (name.to_string(), origin.port);
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let lookup = move || {
        let found = (name.as_str(), port)
            .to_socket_addrs()
            .map(Iterator::collect::<Vec<_>>);
        let _ = tx.send(found);
    };
    if std::thread::Builder::new()
        .name("connector-service-dns".into())
        .spawn(lookup)
        .is_err()
    {
        // No thread to spare: resolved here, bounded by the resolver's own timeouts.
        return url.socket_addrs(|| None).map_err(|e| refused(&e));
    }
    let left = deadline.saturating_duration_since(Instant::now());
    match rx.recv_timeout(left) {
        Ok(found) => found.map_err(|e| refused(&e)),
        Err(_) => Err(refused(&"the host name was not resolved in time")),
    }
}

fn origin(url: &url::Url) -> std::result::Result<Origin, TransportError> {
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        _ => {
            return Err(failure(
                TransportErrorKind::Connect,
                "the request's URL is neither http nor https; the request was not sent",
            ))
        }
    };
    Ok(Origin {
        https,
        host: url.host_str().unwrap_or_default().to_string(),
        port: url
            .port_or_known_default()
            .unwrap_or(if https { 443 } else { 80 }),
    })
}

/// Writes the request; a failure means the processor does not have all of it.
fn write_request(
    conn: &mut Conn,
    head: &[u8],
    body: &[u8],
    deadline: Instant,
) -> std::result::Result<(), TransportError> {
    if !conn.until(deadline, true) {
        return Err(TransportError::timed_out());
    }
    let written = match conn {
        // One buffer: one TLS record, one segment for a small request.
        Conn::Tls(_) => {
            let mut all = Vec::with_capacity(head.len() + body.len());
            all.extend_from_slice(head);
            all.extend_from_slice(body);
            conn.write_all(&all)
        }
        Conn::Plain(s) => write_vectored_all(s, head, body),
    };
    written
        .and_then(|()| conn.flush())
        .map_err(|e| exchange_error(&e))
}

/// `head` then `body` in as few `writev` calls as the socket takes.
fn write_vectored_all(socket: &mut TcpStream, head: &[u8], body: &[u8]) -> io::Result<()> {
    let (mut head, mut body) = (head, body);
    while !head.is_empty() || !body.is_empty() {
        let n = match socket.write_vectored(&[io::IoSlice::new(head), io::IoSlice::new(body)]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        let from_head = n.min(head.len());
        head = &head[from_head..];
        body = &body[n - from_head..];
    }
    Ok(())
}

/// What a response's head says of its body.
enum Framing {
    None,
    Length(u64),
    Chunked,
    UntilClose,
}

/// Why a response was not read.
pub(super) enum Unread {
    Failed(TransportError),
    /// A non-blocking socket has nothing more to read yet: read again, from the start of the
    /// same buffer, once it is readable.
    NotReady,
}

impl From<TransportError> for Unread {
    fn from(e: TransportError) -> Unread {
        Unread::Failed(e)
    }
}

impl Unread {
    /// The failure of a blocking read (where a read with nothing to read timed out).
    fn blocking(self) -> TransportError {
        match self {
            Unread::Failed(e) => e,
            Unread::NotReady => TransportError::timed_out(),
        }
    }
}

/// A response as it is received: the bytes read so far, and the chunks of a chunked body
/// already decoded (with where they end in `buf`). A non-blocking read keeps it between its
/// attempts, so that an attempt goes again over the head and the chunk in progress only.
#[derive(Default)]
pub(super) struct Received {
    buf: Vec<u8>,
    chunks: Option<(usize, Vec<u8>)>,
}

/// Reads one response: its status, headers (lowercase names) and body; and whether the
/// connection can carry another request. The bytes read are added to `received`: with
/// `deadline`, the socket blocks (until then); without, it does not, and when the response is
/// not complete yet the answer is [`Unread::NotReady`], with what was read kept in `received`
/// for the next attempt.
pub(super) fn read_response(
    conn: &mut Conn,
    received: &mut Received,
    deadline: Option<Instant>,
    max: u64,
) -> std::result::Result<(HttpResponse, bool), Unread> {
    let Received { buf, chunks } = received;
    let mut input = Input {
        conn,
        buf,
        pos: 0,
        deadline,
    };
    let (status, headers, framing, keep_alive) = loop {
        let head = input.head()?;
        // 1xx answers (100 Continue, 103 Early Hints) precede the answer.
        if !(100..200).contains(&head.0) || head.0 == 101 {
            break head;
        }
    };
    let too_large = || Unread::Failed(TransportError::too_large(status, max));
    let (body, reusable) = match framing {
        Framing::None => (Vec::new(), keep_alive),
        Framing::Length(len) if len > max => return Err(too_large()),
        Framing::Length(len) => (input.take(len as usize)?, keep_alive),
        Framing::Chunked => (
            input.chunked(max, chunks)?.ok_or_else(too_large)?,
            keep_alive,
        ),
        Framing::UntilClose => (input.rest(max)?.ok_or_else(too_large)?, false),
    };
    // Bytes past the answer (nothing was asked for them), or a protocol switch nobody asked
    // for: the connection is not reused.
    let reusable = reusable && input.pos == input.buf.len() && status != 101;
    let response = HttpResponse {
        status,
        headers: headers.into_iter().collect(),
        body: Bytes(body),
    };
    Ok((response, reusable))
}

/// A response as it is read.
struct Input<'a> {
    conn: &'a mut Conn,
    buf: &'a mut Vec<u8>,
    /// How much of `buf` is consumed.
    pos: usize,
    /// For a blocking socket, when reading stops; `None` for a non-blocking one.
    deadline: Option<Instant>,
}

type Head = (u16, Vec<(String, String)>, Framing, bool);

/// What [`Input::chunk`] read.
enum Chunk {
    Data,
    Last,
    TooLarge,
}

impl Input<'_> {
    /// Reads more bytes; an end of the stream is an error (the answer is incomplete).
    fn more(&mut self) -> std::result::Result<(), Unread> {
        if self.more_or_end()? {
            Ok(())
        } else {
            Err(failure(
                TransportErrorKind::Io,
                "the processor closed the connection before its answer was complete",
            )
            .into())
        }
    }

    /// Reads more bytes; `false` at the end of the stream.
    fn more_or_end(&mut self) -> std::result::Result<bool, Unread> {
        if let Some(deadline) = self.deadline {
            if !self.conn.until(deadline, false) {
                return Err(TransportError::timed_out().into());
            }
        }
        let start = self.buf.len();
        self.buf.resize(start + 8192, 0);
        loop {
            match self.conn.read(&mut self.buf[start..]) {
                Ok(n) => {
                    self.buf.truncate(start + n);
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // A TLS stream closed without close_notify: the end, as for a socket.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    self.buf.truncate(start);
                    return Ok(false);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && self.deadline.is_none() => {
                    self.buf.truncate(start);
                    return Err(Unread::NotReady);
                }
                Err(e) => {
                    self.buf.truncate(start);
                    return Err(exchange_error(&e).into());
                }
            }
        }
    }

    /// The status line and headers.
    fn head(&mut self) -> std::result::Result<Head, Unread> {
        loop {
            let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut parsed = httparse::Response::new(&mut slots);
            match parsed.parse(&self.buf[self.pos..]) {
                Ok(httparse::Status::Complete(len)) => {
                    let status = parsed.code.unwrap_or_default();
                    let mut headers = Vec::with_capacity(parsed.headers.len());
                    let mut framing =
                        if (100..200).contains(&status) || status == 204 || status == 304 {
                            Some(Framing::None)
                        } else {
                            None
                        };
                    let mut keep_alive = parsed.version == Some(1);
                    let mut length = None;
                    for h in parsed.headers.iter() {
                        let name = h.name.to_ascii_lowercase();
                        let value = String::from_utf8_lossy(h.value).into_owned();
                        match name.as_str() {
                            "connection"
                                if value
                                    .split(',')
                                    .any(|t| t.trim().eq_ignore_ascii_case("close")) =>
                            {
                                keep_alive = false
                            }
                            "transfer-encoding" if framing.is_none() => {
                                let chunked = value
                                    .rsplit(',')
                                    .next()
                                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("chunked"));
                                framing = Some(if chunked {
                                    Framing::Chunked
                                } else {
                                    Framing::UntilClose
                                });
                            }
                            "content-length" => {
                                let len =
                                    value.trim().parse::<u64>().map_err(|_| invalid_answer())?;
                                if length.is_some_and(|l| l != len) {
                                    return Err(invalid_answer().into());
                                }
                                length = Some(len);
                            }
                            _ => {}
                        }
                        headers.push((name, value));
                    }
                    let framing = framing.unwrap_or(match length {
                        Some(len) => Framing::Length(len),
                        None => Framing::UntilClose,
                    });
                    self.pos += len;
                    return Ok((status, headers, framing, keep_alive));
                }
                Ok(httparse::Status::Partial) if self.buf.len() - self.pos < MAX_HEAD_BYTES => {}
                _ => return Err(invalid_answer().into()),
            }
            self.more()?;
        }
    }

    /// The next `len` bytes.
    fn take(&mut self, len: usize) -> std::result::Result<Vec<u8>, Unread> {
        let span = self.skip(len)?;
        Ok(self.buf[span].to_vec())
    }

    /// Reads past the next `len` bytes; where they are in `buf`.
    fn skip(&mut self, len: usize) -> std::result::Result<std::ops::Range<usize>, Unread> {
        while self.buf.len() - self.pos < len {
            self.more()?;
        }
        self.pos += len;
        Ok(self.pos - len..self.pos)
    }

    /// The next line, without its CRLF.
    fn line(&mut self) -> std::result::Result<Vec<u8>, Unread> {
        loop {
            if let Some(end) = self.buf[self.pos..].windows(2).position(|w| w == b"\r\n") {
                let line = self.buf[self.pos..self.pos + end].to_vec();
                self.pos += end + 2;
                return Ok(line);
            }
            if self.buf.len() - self.pos > MAX_HEAD_BYTES {
                return Err(invalid_answer().into());
            }
            self.more()?;
        }
    }

    /// A chunked body, decoded; `None` when it grows past `max`. `decoded`: the chunks decoded
    /// by an earlier attempt and where they end, taken up again; left for the next attempt
    /// when this one is [`Unread::NotReady`].
    fn chunked(
        &mut self,
        max: u64,
        decoded: &mut Option<(usize, Vec<u8>)>,
    ) -> std::result::Result<Option<Vec<u8>>, Unread> {
        let (mut end, mut body) = decoded.take().unwrap_or((self.pos, Vec::new()));
        self.pos = end;
        loop {
            match self.chunk(max, &mut body) {
                Ok(Chunk::Data) => end = self.pos,
                Ok(Chunk::Last) => return Ok(Some(body)),
                Ok(Chunk::TooLarge) => return Ok(None),
                Err(Unread::NotReady) => {
                    *decoded = Some((end, body));
                    return Err(Unread::NotReady);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The next chunk of a chunked body, added to `body`.
    fn chunk(&mut self, max: u64, body: &mut Vec<u8>) -> std::result::Result<Chunk, Unread> {
        let line = self.line()?;
        let size = line.split(|b| *b == b';').next().unwrap_or_default();
        let size = std::str::from_utf8(size)
            .ok()
            .and_then(|s| u64::from_str_radix(s.trim(), 16).ok())
            .ok_or_else(invalid_answer)?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !self.line()?.is_empty() {}
            return Ok(Chunk::Last);
        }
        if body.len() as u64 + size > max {
            return Ok(Chunk::TooLarge);
        }
        // Added to the body only once whole, with its CRLF: an attempt that stops before
        // decodes this chunk again.
        let data = self.skip(size as usize)?;
        if !self.line()?.is_empty() {
            return Err(invalid_answer().into());
        }
        body.extend_from_slice(&self.buf[data]);
        Ok(Chunk::Data)
    }

    /// The rest of the stream; `None` when it grows past `max`.
    fn rest(&mut self, max: u64) -> std::result::Result<Option<Vec<u8>>, Unread> {
        loop {
            if (self.buf.len() - self.pos) as u64 > max {
                return Ok(None);
            }
            if !self.more_or_end()? {
                break;
            }
        }
        let body = self.buf[self.pos..].to_vec();
        self.pos = self.buf.len();
        Ok(Some(body))
    }
}

fn invalid_answer() -> TransportError {
    failure(
        TransportErrorKind::Io,
        "the processor's answer is not valid HTTP/1.1",
    )
}

/// The TLS settings the default transport uses: the process's default crypto provider (else
/// aws-lc-rs), TLS 1.2 and 1.3, the platform's certificate verifier, HTTP/1.1 by ALPN.
fn tls_config() -> Result<Arc<rustls::ClientConfig>> {
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let cannot =
        |e: &dyn std::fmt::Display| Error::configuration(format!("cannot set up TLS: {e}"));
    let verifier =
        rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| cannot(&e))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| cannot(&e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::types::HttpMethod;

    /// What the test server does with a connection's requests.
    #[derive(Clone, Copy)]
    enum After {
        /// Keeps the connection open for more requests.
        KeepOpen,
        /// Closes it after the first answer.
        Close,
        /// Reads the request and never answers.
        Silent,
        /// Keeps the connection open, and writes each answer in three pieces, 30 ms apart.
        InPieces,
    }

    struct Server {
        url: String,
        connections: Arc<AtomicUsize>,
        requests: Arc<Mutex<Vec<String>>>,
    }

    /// An HTTP/1.1 server on a local port: reads each request (head and `content-length`
    /// body), records it, and writes `answer`.
    fn serve(answer: &'static [u8], after: After) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/pay/1?x=y", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (seen, log) = (connections.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                seen.fetch_add(1, Ordering::SeqCst);
                let log = log.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut writer = stream;
                    loop {
                        let mut head = String::new();
                        let mut length = 0;
                        loop {
                            let mut line = String::new();
                            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                                return;
                            }
                            if let Some(v) = line.strip_prefix("content-length: ") {
                                length = v.trim().parse().unwrap();
                            }
                            head.push_str(&line);
                            if line == "\r\n" {
                                break;
                            }
                        }
                        let mut body = vec![0; length];
                        reader.read_exact(&mut body).unwrap();
                        head.push_str(&String::from_utf8_lossy(&body));
                        log.lock().unwrap().push(head);
                        match after {
                            After::Silent => std::thread::sleep(Duration::from_secs(5)),
                            After::KeepOpen => writer.write_all(answer).unwrap(),
                            After::InPieces => {
                                let third = answer.len() / 3;
                                for piece in [
                                    &answer[..third],
                                    &answer[third..2 * third],
                                    &answer[2 * third..],
                                ] {
                                    writer.write_all(piece).unwrap();
                                    writer.flush().unwrap();
                                    std::thread::sleep(Duration::from_millis(30));
                                }
                            }
                            After::Close => {
                                writer.write_all(answer).unwrap();
                                return;
                            }
                        }
                    }
                });
            }
        });
        Server {
            url,
            connections,
            requests,
        }
    }

    fn transport(max_response_bytes: u64) -> Arc<BlockingTransport> {
        Arc::new(blocking_transport(max_response_bytes))
    }

    fn blocking_transport(max_response_bytes: u64) -> BlockingTransport {
        let options = TransportOptions {
            max_response_bytes,
            ..TransportOptions::default()
        };
        let slots = Arc::new(tokio::sync::Semaphore::new(4));
        BlockingTransport::new(&options, slots)
            .unwrap()
            .expect("no proxy in the tests' environment")
    }

    /// How a test makes its exchanges: every test runs both ways, on one pool.
    #[derive(Clone, Copy, Debug)]
    enum Mode {
        /// `BlockingTransport::exchange`, on blocking sockets.
        Blocking,
        /// The event-loop transport (`event_loop.rs`), on non-blocking sockets, with a loop
        /// that finds every socket ready at once: each exchange is tried again and again until
        /// its bytes are there, which exercises reading a response in as many pieces as it
        /// arrives in.
        #[cfg(unix)]
        EventLoop,
    }

    const MODES: &[Mode] = &[
        Mode::Blocking,
        #[cfg(unix)]
        Mode::EventLoop,
    ];

    #[cfg(unix)]
    struct AtOnce;

    #[cfg(unix)]
    impl super::super::EventLoop for AtOnce {
        fn watch(
            &self,
            _fd: std::os::fd::RawFd,
            _writable: bool,
            _deadline: Instant,
            waker: &std::task::Waker,
        ) {
            waker.wake_by_ref();
        }
    }

    fn exchange(
        mode: Mode,
        t: &Arc<BlockingTransport>,
        request: &HttpRequest,
        deadline: Instant,
    ) -> std::result::Result<HttpResponse, TransportError> {
        match mode {
            Mode::Blocking => t.exchange(request, deadline),
            #[cfg(unix)]
            Mode::EventLoop => {
                let transport = super::super::EventLoopTransport {
                    blocking: t.clone(),
                    event_loop: Arc::new(AtOnce),
                };
                let timeout = deadline.saturating_duration_since(Instant::now());
                tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .unwrap()
                    .block_on(transport.send(request, timeout))
            }
        }
    }

    fn post(url: &str) -> HttpRequest {
        HttpRequest {
            method: HttpMethod::Post,
            url: url.to_string(),
            headers: [("Idempotency-Key".to_string(), "key-1".to_string())].into(),
            body: Some(Bytes(b"hello".to_vec())),
            retry_safe: false,
        }
    }

    fn send(
        mode: Mode,
        t: &Arc<BlockingTransport>,
        request: &HttpRequest,
    ) -> std::result::Result<HttpResponse, TransportError> {
        exchange(mode, t, request, Instant::now() + Duration::from_secs(5))
    }

    #[test]
    fn sends_the_request_and_reuses_the_connection() {
        for &mode in MODES {
            let server = serve(
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Request-Id: r1\r\n\r\nok",
                After::KeepOpen,
            );
            let t = transport(1024);
            for _ in 0..3 {
                let response = send(mode, &t, &post(&server.url)).unwrap();
                assert_eq!(response.status, 200);
                assert_eq!(response.body.0, b"ok");
                assert_eq!(
                    response.headers.get("x-request-id").map(String::as_str),
                    Some("r1")
                );
            }
            assert_eq!(server.connections.load(Ordering::SeqCst), 1);
            let first = server.requests.lock().unwrap()[0].clone();
            assert!(first.starts_with("POST /pay/1?x=y HTTP/1.1\r\n"), "{first}");
            let port = server
                .url
                .split(':')
                .nth(2)
                .unwrap()
                .split('/')
                .next()
                .unwrap();
            for line in [
                format!("host: 127.0.0.1:{port}\r\n"),
                "idempotency-key: key-1\r\n".to_string(),
                format!(
                    "user-agent: connector-service/{}\r\n",
                    env!("CARGO_PKG_VERSION")
                ),
                "content-length: 5\r\n".to_string(),
            ] {
                assert!(first.contains(&line), "{line:?} in {first}");
            }
            assert!(first.ends_with("\r\n\r\nhello"), "{first}");
        }
    }

    #[test]
    fn reads_chunked_answers_and_skips_informational_ones() {
        for &mode in MODES {
            let server = serve(
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n",
                After::KeepOpen,
            );
            let t = transport(1024);
            for _ in 0..2 {
                let response = send(mode, &t, &post(&server.url)).unwrap();
                assert_eq!(response.status, 201);
                assert_eq!(response.body.0, b"hello world");
            }
            assert_eq!(server.connections.load(Ordering::SeqCst), 1);
        }
    }

    #[test]
    fn answers_arriving_in_pieces_are_read_whole() {
        for &mode in MODES {
            let server = serve(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                After::InPieces,
            );
            let t = transport(1024);
            for _ in 0..2 {
                let response = send(mode, &t, &post(&server.url)).unwrap();
                assert_eq!(response.body.0, b"hello world", "{mode:?}");
            }
            assert_eq!(server.connections.load(Ordering::SeqCst), 1, "{mode:?}");
            // Many chunks, cut in the middle of some: each decoded once, in order.
            let mut answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            for i in 0..50 {
                answer.extend_from_slice(format!("3\r\n{i:03}\r\n").as_bytes());
            }
            answer.extend_from_slice(b"0\r\n\r\n");
            let server = serve(answer.leak(), After::InPieces);
            let body = send(mode, &transport(1024), &post(&server.url))
                .unwrap()
                .body
                .0;
            let expected: String = (0..50).map(|i| format!("{i:03}")).collect();
            assert_eq!(String::from_utf8(body).unwrap(), expected, "{mode:?}");
        }
    }

    #[test]
    fn one_pool_serves_blocking_and_event_loop_exchanges() {
        let server = serve(
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            After::KeepOpen,
        );
        let t = transport(1024);
        for _ in 0..2 {
            for &mode in MODES {
                assert_eq!(send(mode, &t, &post(&server.url)).unwrap().body.0, b"ok");
            }
        }
        assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn answers_past_the_limit_are_abandoned() {
        for &mode in MODES {
            for answer in [
                &b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"[..],
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                b"HTTP/1.1 200 OK\r\n\r\nhello world",
            ] {
                let server = serve(answer, After::Close);
                let e = send(mode, &transport(10), &post(&server.url)).unwrap_err();
                assert_eq!(e.kind, TransportErrorKind::ResponseTooLarge, "{}", e.message);
                assert!(e.maybe_sent());
            }
            // Read to the end of the stream when nothing says how long it is.
            let server = serve(b"HTTP/1.1 200 OK\r\n\r\nhello world", After::Close);
            assert_eq!(
                send(mode, &transport(11), &post(&server.url))
                    .unwrap()
                    .body
                    .0,
                b"hello world"
            );
        }
    }

    #[test]
    fn a_connection_the_server_closed_is_not_reused() {
        for &mode in MODES {
            // Closed after each answer, without saying so: found closed before the next request.
            let server = serve(
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                After::Close,
            );
            let t = transport(1024);
            for _ in 0..3 {
                assert_eq!(send(mode, &t, &post(&server.url)).unwrap().status, 200);
                std::thread::sleep(Duration::from_millis(20));
            }
            assert_eq!(server.connections.load(Ordering::SeqCst), 3);
            // Said so: not kept.
            let server = serve(
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
                After::Close,
            );
            for _ in 0..2 {
                assert_eq!(send(mode, &t, &post(&server.url)).unwrap().status, 200);
            }
            assert_eq!(server.connections.load(Ordering::SeqCst), 2);
        }
    }

    #[test]
    fn failures_say_whether_the_request_may_have_arrived() {
        for &mode in MODES {
            // Nothing listens: not sent.
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let e = send(
                mode,
                &transport(1024),
                &post(&format!("http://127.0.0.1:{port}/x")),
            )
            .unwrap_err();
            assert_eq!(e.kind, TransportErrorKind::Connect, "{}", e.message);
            assert!(!e.maybe_sent());
            // An answer cut short: sent.
            let server = serve(
                b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
                After::Close,
            );
            let e = send(mode, &transport(1024), &post(&server.url)).unwrap_err();
            assert_eq!(e.kind, TransportErrorKind::Io, "{}", e.message);
            assert!(e.maybe_sent());
            // Not HTTP: sent.
            let server = serve(b"SSH-2.0-OpenSSH\r\n\r\n", After::Close);
            let e = send(mode, &transport(1024), &post(&server.url)).unwrap_err();
            assert_eq!(e.kind, TransportErrorKind::Io, "{}", e.message);
            // No answer in time: a timeout, at the deadline.
            let server = serve(b"", After::Silent);
            let started = Instant::now();
            let e = exchange(
                mode,
                &transport(1024),
                &post(&server.url),
                Instant::now() + Duration::from_millis(300),
            )
            .unwrap_err();
            assert_eq!(e.kind, TransportErrorKind::Timeout, "{}", e.message);
            assert!(started.elapsed() < Duration::from_secs(3));
        }
    }

    #[test]
    fn invalid_headers_are_refused_before_anything_is_sent() {
        for &mode in MODES {
            let server = serve(
                b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                After::KeepOpen,
            );
            let mut request = post(&server.url);
            request
                .headers
                .insert("Idempotency-Key".into(), "a\r\nx-injected: 1".into());
            let e = send(mode, &transport(1024), &request).unwrap_err();
            assert_eq!(e.kind, TransportErrorKind::Connect, "{}", e.message);
            assert_eq!(server.connections.load(Ordering::SeqCst), 0);
        }
    }

    /// A TLS server on a local port with the test certificate (`testdata/`, for `localhost` and
    /// 127.0.0.1, issued by the test CA), answering one request per connection.
    fn serve_tls() -> String {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs =
            vec![CertificateDer::from_pem_slice(include_bytes!("testdata/server.pem")).unwrap()];
        let key = PrivateKeyDer::from_pem_slice(include_bytes!("testdata/server.key")).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "https://localhost:{}/tls",
            listener.local_addr().unwrap().port()
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let config = config.clone();
                std::thread::spawn(move || {
                    let conn = rustls::ServerConnection::new(config).unwrap();
                    let mut tls = rustls::StreamOwned::new(conn, stream);
                    let mut buf = [0u8; 4096];
                    let mut seen = Vec::new();
                    while !seen.ends_with(b"hello") {
                        match tls.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => seen.extend_from_slice(&buf[..n]),
                        }
                    }
                    let _ = tls.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntls");
                    let _ = tls.flush();
                });
            }
        });
        url
    }

    #[test]
    fn tls_verifies_the_processor_certificate() {
        for &mode in MODES {
            let url = serve_tls();
            // The platform's roots do not include the test CA: refused, nothing sent.
            let e = send(mode, &transport(1024), &post(&url)).unwrap_err();
            assert_eq!(e.kind, TransportErrorKind::Connect, "{}", e.message);
            assert!(e.message.contains("certificate"), "{}", e.message);
            // With the test CA trusted as well, the exchange goes through.
            use rustls::pki_types::pem::PemObject;
            let ca = rustls::pki_types::CertificateDer::from_pem_slice(include_bytes!(
                "testdata/ca.pem"
            ))
            .unwrap();
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let verifier =
                rustls_platform_verifier::Verifier::new_with_extra_roots([ca], provider.clone())
                    .unwrap();
            let mut config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth();
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            let mut t = blocking_transport(1024);
            t.dialer.tls = Arc::new(config);
            let t = Arc::new(t);
            let response = send(mode, &t, &post(&url)).unwrap();
            assert_eq!(
                (response.status, response.body.0.as_slice()),
                (200, &b"tls"[..])
            );
        }
    }

    #[test]
    fn a_client_has_blocking_io_unless_a_proxy_or_a_transport_of_its_own() {
        let config = |transport: serde_json::Value| -> crate::ClientConfig {
            serde_json::from_value(serde_json::json!({
                "connector": {"type": "adyen", "api_key": "k", "merchant_account": "m"},
                "transport": transport,
            }))
            .unwrap()
        };
        let client = crate::Client::new(config(serde_json::json!({}))).unwrap();
        assert!(client.has_blocking_io());
        let proxied = serde_json::json!({"proxy_url": "http://proxy.internal:3128"});
        assert!(!crate::Client::new(config(proxied))
            .unwrap()
            .has_blocking_io());
        let own =
            Arc::new(super::super::ReqwestTransport::new(&TransportOptions::default()).unwrap());
        let client = crate::Client::with_transport(config(serde_json::json!({})), own).unwrap();
        assert!(!client.has_blocking_io());
    }

    #[test]
    fn no_blocking_transport_behind_a_proxy() {
        let options = TransportOptions {
            proxy_url: Some("http://proxy.internal:3128".into()),
            ..TransportOptions::default()
        };
        let slots = Arc::new(tokio::sync::Semaphore::new(1));
        assert!(BlockingTransport::new(&options, slots).unwrap().is_none());
    }
}
