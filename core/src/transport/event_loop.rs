//! Exchanges made on an event loop's own thread: the blocking transport's connections and
//! HTTP/1.1 reading, on non-blocking sockets that the caller's event loop watches, for
//! [`Client::execute_on_event_loop`](crate::Client::execute_on_event_loop).
//!
//! A call of an asyncio program through the default transport crosses threads twice per
//! exchange: to hyper's connection task on the runtime, and back to the loop. Here the loop's
//! thread writes the request itself, hands the socket to the loop to watch (through
//! [`EventLoop::watch`]), and reads the answer when the loop says it is readable: the only
//! wake-up is the loop's own, as for a client written for that loop.
//!
//! Same rules as the blocking transport (one pool and one `max_connections` limit with it,
//! the same TLS, the same failure semantics), with two differences:
//! - a new connection (DNS, TCP, TLS handshake) is made on a thread of its own, since none of
//!   it may block the loop; the socket then comes back to the loop's thread;
//! - the deadline is the loop's to keep: each watch carries it, and a socket still not ready
//!   once it has passed is a timeout.

use std::future::Future;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use super::blocking::{
    exchange_error, read_response, BlockingTransport, Conn, Origin, Received, Unread,
};
use super::{acquire_slot, HttpTransport, SendFuture, TransportError};
use crate::http::{HttpRequest, HttpResponse};

/// An event loop that watches sockets for [`Client::execute_on_event_loop`]
/// (crate::Client::execute_on_event_loop): a binding implements it with its language's loop
/// (asyncio's `add_reader`, `add_writer` and `call_at`).
pub trait EventLoop: Send + Sync + 'static {
    /// Wakes `waker` once: when `fd` is readable (`writable`: writable), or at `deadline`,
    /// whichever comes first. A later watch of the same `fd` replaces this one. The socket
    /// stays open until the watch has fired, or until the future that asked for it is dropped
    /// (a cancelled call): the loop must then forget the watches that call asked for before
    /// dropping it.
    fn watch(&self, fd: RawFd, writable: bool, deadline: Instant, waker: &Waker);
}

/// A socket a call asked its event loop to watch: what [`EventLoop::watch`] was given.
pub struct Asked {
    pub fd: RawFd,
    pub writable: bool,
    pub deadline: Instant,
    pub waker: Waker,
}

/// An [`EventLoop`] that keeps what it is asked to watch until the loop takes it
/// ([`AskedWatches::take`]): for a binding that polls a call on its loop's thread, then hands
/// the call's new watches to its loop (whose API it can reach only there).
#[derive(Default)]
pub struct AskedWatches(std::sync::Mutex<Vec<Asked>>);

impl AskedWatches {
    /// The watches asked for since the last take.
    pub fn take(&self) -> Vec<Asked> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl EventLoop for AskedWatches {
    fn watch(&self, fd: RawFd, writable: bool, deadline: Instant, waker: &Waker) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Asked {
                fd,
                writable,
                deadline,
                waker: waker.clone(),
            });
    }
}

/// The sockets that calls wait on, by descriptor, each with the call's waker and deadline: the
/// bookkeeping of a binding whose loop watches the sockets itself (arming and disarming them in
/// its poller is the binding's). A later watch of a descriptor replaces the earlier one.
#[derive(Default)]
pub struct Watches(std::collections::HashMap<RawFd, Watched>);

/// A watched socket's call, waker and deadline.
struct Watched {
    call: u64,
    waker: Waker,
    deadline: Instant,
}

impl Watches {
    /// Records what call `call` asked to watch.
    pub fn insert(&mut self, call: u64, asked: Asked) {
        self.0.insert(
            asked.fd,
            Watched {
                call,
                waker: asked.waker,
                deadline: asked.deadline,
            },
        );
    }

    /// Ends the watches whose descriptor is in `ready` or whose deadline has passed at `now`,
    /// adding their wakers to `woken`; `expired` is given the descriptor of each watch that
    /// ended by its deadline (still armed in the poller).
    pub fn fire(
        &mut self,
        ready: &[RawFd],
        now: Instant,
        woken: &mut Vec<Waker>,
        mut expired: impl FnMut(RawFd),
    ) {
        woken.extend(
            ready
                .iter()
                .filter_map(|fd| self.0.remove(fd).map(|w| w.waker)),
        );
        self.0.retain(|fd, w| {
            let waiting = w.deadline > now;
            if !waiting {
                expired(*fd);
                woken.push(w.waker.clone());
            }
            waiting
        });
    }

    /// Ends the watches of call `call` (its sockets are about to close); `forgotten` is given
    /// each of their descriptors.
    pub fn forget(&mut self, call: u64, mut forgotten: impl FnMut(RawFd)) {
        self.0.retain(|fd, w| {
            let keep = w.call != call;
            if !keep {
                forgotten(*fd);
            }
            keep
        });
    }

    /// The earliest deadline, and the call it is for.
    pub fn earliest(&self) -> Option<(Instant, u64)> {
        self.0
            .values()
            .map(|w| (w.deadline, w.call))
            .min_by_key(|(deadline, _)| *deadline)
    }

    /// How many sockets are watched.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many sockets are watched for call `call`.
    pub fn of_call(&self, call: u64) -> usize {
        self.0.values().filter(|w| w.call == call).count()
    }
}

/// The transport of one call on an event loop.
pub(crate) struct EventLoopTransport {
    pub(crate) blocking: Arc<BlockingTransport>,
    pub(crate) event_loop: Arc<dyn EventLoop>,
}

impl HttpTransport for EventLoopTransport {
    fn send<'a>(&'a self, request: &'a HttpRequest, timeout: Duration) -> SendFuture<'a> {
        Box::pin(async move {
            let deadline = Instant::now() + timeout;
            let _slot = acquire_slot(&self.blocking.slots, timeout).await?;
            self.exchange(request, deadline).await
        })
    }
}

impl EventLoopTransport {
    /// One exchange, until `deadline`: what `BlockingTransport::exchange` does, waiting on
    /// the loop instead of blocking.
    async fn exchange(
        &self,
        request: &HttpRequest,
        deadline: Instant,
    ) -> Result<HttpResponse, TransportError> {
        let t = &self.blocking;
        let (url, origin, head) = t.prepare(request)?;
        // One buffer: one TLS record, one segment for a small request.
        let mut message = head;
        if let Some(body) = &request.body {
            message.extend_from_slice(&body.0);
        }

        // A kept-alive connection, or a new one. A kept-alive one that fails while the request
        // is being written was closed by the processor: written again on a new connection.
        let mut conn = match t.take_idle(&origin, false) {
            Some(mut conn) => match self.write(&mut conn, &message, deadline).await {
                Ok(()) => conn,
                Err(_) => {
                    let mut conn = self.connect(&origin, &url, deadline).await?;
                    self.write(&mut conn, &message, deadline).await?;
                    conn
                }
            },
            None => {
                let mut conn = self.connect(&origin, &url, deadline).await?;
                self.write(&mut conn, &message, deadline).await?;
                conn
            }
        };
        // The answer is seldom there as soon as the request is written: the socket is watched
        // first rather than read once for nothing (a socket already readable fires the watch
        // at once).
        self.ready(&conn, false, deadline).await?;
        let mut received = Received::default();
        let (response, reusable) = loop {
            match read_response(&mut conn, &mut received, None, t.max_response_bytes) {
                Ok(read) => break read,
                Err(Unread::NotReady) => self.ready(&conn, false, deadline).await?,
                Err(Unread::Failed(e)) => return Err(e),
            }
        };
        if reusable {
            t.put_idle(origin, conn);
        }
        Ok(response)
    }

    /// A new connection, made on a thread of its own (its DNS lookup, connect and TLS
    /// handshake block), its socket then made non-blocking.
    async fn connect(
        &self,
        origin: &Origin,
        url: &url::Url,
        deadline: Instant,
    ) -> Result<Conn, TransportError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let (dialer, origin, url) = (self.blocking.dialer.clone(), origin.clone(), url.clone());
        std::thread::Builder::new()
            .name("connector-service-connect".into())
            .spawn(move || {
                let _ = tx.send(dialer.connect(&origin, &url, deadline));
            })
            .map_err(|e| TransportError::connect(&e))?;
        // The dialer keeps to the deadline itself (resolve, connect and handshake are bounded).
        let conn = rx
            .await
            .map_err(|_| TransportError::connect(&"the connecting thread ended"))??;
        conn.socket()
            .set_nonblocking(true)
            .map_err(|e| TransportError::connect(&e))?;
        Ok(conn)
    }

    /// Writes `message` (on a non-blocking socket); a failure means the processor does not
    /// have all of it.
    async fn write(
        &self,
        conn: &mut Conn,
        message: &[u8],
        deadline: Instant,
    ) -> Result<(), TransportError> {
        let mut sent = 0;
        loop {
            match write_some(conn, message, &mut sent) {
                Ok(()) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.ready(conn, true, deadline).await?
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(exchange_error(&e)),
            }
        }
    }

    /// Waits until the loop finds `conn`'s socket readable (or writable); a timeout once
    /// `deadline` has passed.
    async fn ready(
        &self,
        conn: &Conn,
        writable: bool,
        deadline: Instant,
    ) -> Result<(), TransportError> {
        if Instant::now() >= deadline {
            return Err(TransportError::timed_out());
        }
        Watch {
            event_loop: &*self.event_loop,
            fd: conn.socket().as_raw_fd(),
            writable,
            deadline,
            watched: false,
        }
        .await;
        Ok(())
    }
}

/// Writes what the socket takes of `message[*sent..]` (for TLS: hands it to the session, then
/// writes the session's records); `Ok` once everything is on the socket, `WouldBlock` when
/// the socket takes no more for now.
fn write_some(conn: &mut Conn, message: &[u8], sent: &mut usize) -> io::Result<()> {
    match conn {
        Conn::Plain(socket) => {
            while *sent < message.len() {
                match socket.write(&message[*sent..])? {
                    0 => return Err(io::ErrorKind::WriteZero.into()),
                    n => *sent += n,
                }
            }
        }
        Conn::Tls(stream) => loop {
            if *sent < message.len() {
                *sent += stream.conn.writer().write(&message[*sent..])?;
            }
            if !stream.conn.wants_write() {
                if *sent == message.len() {
                    break;
                }
                // The session took nothing and has nothing to write.
                return Err(io::ErrorKind::WriteZero.into());
            }
            if stream.conn.write_tls(&mut stream.sock)? == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
        },
    }
    Ok(())
}

/// Pending until the loop wakes it (the socket is ready, or the deadline came); then ready.
struct Watch<'a> {
    event_loop: &'a dyn EventLoop,
    fd: RawFd,
    writable: bool,
    deadline: Instant,
    watched: bool,
}

impl Future for Watch<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.watched {
            // Woken: by the loop, or by anything else; the caller tries the socket again and
            // waits again if it is still not ready.
            return Poll::Ready(());
        }
        self.watched = true;
        self.event_loop
            .watch(self.fd, self.writable, self.deadline, cx.waker());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn asked(fd: RawFd, deadline: Instant) -> Asked {
        Asked {
            fd,
            writable: false,
            deadline,
            waker: Waker::noop().clone(),
        }
    }

    #[test]
    fn watches_end_when_ready_by_their_deadline_or_forgotten() {
        let now = Instant::now();
        let later = now + Duration::from_secs(5);
        let mut watches = Watches::default();
        watches.insert(1, asked(10, later));
        watches.insert(1, asked(11, now + Duration::from_secs(9)));
        watches.insert(2, asked(12, now));
        // A later watch of a descriptor replaces the earlier one.
        watches.insert(3, asked(13, later));
        watches.insert(4, asked(13, later + Duration::from_secs(1)));
        assert_eq!(watches.len(), 4);
        assert_eq!(watches.earliest(), Some((now, 2)));
        assert_eq!((watches.of_call(1), watches.of_call(3)), (2, 0));

        let (mut woken, mut expired) = (Vec::new(), Vec::new());
        watches.fire(&[10, 99], now, &mut woken, |fd| expired.push(fd));
        assert_eq!(woken.len(), 2, "fd 10 ready, fd 12 at its deadline");
        assert_eq!(expired, [12], "only the expired one is left to disarm");
        assert_eq!(
            watches.earliest(),
            Some((later + Duration::from_secs(1), 4))
        );

        let mut forgotten = Vec::new();
        watches.forget(1, |fd| forgotten.push(fd));
        assert_eq!(forgotten, [11]);
        assert_eq!(watches.len(), 1);
        assert!(!watches.is_empty());
    }
}
