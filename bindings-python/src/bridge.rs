//! The asyncio bridge: how a call made from an event loop runs, and completes the coroutine
//! that awaits it. One [`Completer`] per event loop serves two kinds of call.
//!
//! **Calls on the loop's thread** (the usual case: no proxy). The call's future is polled by
//! the completer itself, on the loop's thread with the GIL released, within the runtime's
//! context. Its HTTP exchanges are made there too ([`EventLoop`]): the future writes the
//! request on a non-blocking socket and asks to watch the socket; the completer registers it
//! in an epoll instance of its own, the one descriptor the loop watches (`loop.add_reader`,
//! once per loop), and keeps the loop's timer (`call_later`) at the earliest deadline of its
//! watches. When the loop calls back ([`Completer::drain`]), the calls whose socket is ready
//! (or whose deadline passed) are polled again and read their answers. A call at concurrency 1
//! thus involves no other thread, and watching a socket costs no Python: the loop's `select`
//! is the only wake-up, as for a client written for asyncio. A new connection is made on a
//! thread of its own, and timers (retry back-off) are the runtime's: those wake the call from
//! another thread, through the queue below.
//!
//! **Calls on the runtime** (behind a proxy, where the default transport serves): the call
//! runs as a tokio task that carries only an id and, when done, the result.
//!
//! Either way, a thread other than the loop's reports to the loop through the completer's
//! queue: it pushes an event (a call woken, or a call's result) and, if the queue was empty,
//! writes one byte to a socket pair whose read end is in the completer's epoll instance. The
//! loop then calls [`Completer::drain`], which takes every queued event at once. So a report
//! costs the other thread a mutex push and, at most, one `write(2)`: no thread attaches to
//! the interpreter (no GIL hand-off, no `call_soon_threadsafe`), and a burst wakes the loop
//! once. A report that arrives after the interpreter started finalizing is never delivered
//! (nothing is left to await it), and touches no Python object.
//!
//! A [`CallFuture`] is the awaitable of one call. It speaks the protocol asyncio's `Task`
//! drives (`_asyncio_future_blocking`, `get_loop`, `add_done_callback`, `result`, `cancel`),
//! with one difference from `asyncio.Future`: when its result arrives it runs its done
//! callbacks (the awaiting task's wake-up) at once, where an `asyncio.Future` schedules them
//! for the loop's next iteration. The awaiting task so resumes in the iteration in which the
//! answer was read: one pass of the loop's Python code per call instead of two. A
//! cancellation still schedules its callbacks (`task.cancel()` must not run the task).

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Instant;

use connector_service::ffi::FfiError;
use connector_service::transport::{Asked, AskedWatches, EventLoop, Watches};
use connector_service::FlowResponse;
use pyo3::exceptions::{PyException, PyStopIteration};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3::PyTraverseError;
use tokio::task::AbortHandle;

/// A call's future, as the completer polls it on the loop's thread.
pub type LocalCall = Pin<Box<dyn Future<Output = Result<FlowResponse, FfiError>> + Send>>;

/// What another thread reports to the loop.
enum Event {
    /// A call on the loop's thread was woken (its new connection is made, its timer fired).
    Woken(u64),
    /// A call on the runtime finished.
    Done(u64, Box<Result<FlowResponse, FfiError>>),
}

/// What other threads (the runtime's, a new connection's) share with the event loop.
pub struct Shared {
    queue: Mutex<Vec<Event>>,
    /// Written by the other threads (non-blocking) to wake the loop.
    wake: UnixStream,
}

impl Shared {
    fn push(&self, event: Event) {
        let first = {
            let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            queue.push(event);
            queue.len() == 1
        };
        if first {
            // WouldBlock means unread bytes are pending: the loop wakes anyway. Any other
            // error means the loop's end is closed: no one is left to wake.
            let _ = (&self.wake).write(&[1]);
        }
    }

    /// Queues the result of a call on the runtime; wakes the loop if this is the first event
    /// since its last drain.
    pub fn complete(&self, id: u64, result: Result<FlowResponse, FfiError>) {
        self.push(Event::Done(id, Box::new(result)));
    }
}

thread_local! {
    /// While a completer runs calls on this thread: which one (its `Shared`'s address), and
    /// the calls woken so far that it has not polled yet.
    static RUNNABLE: RefCell<Option<(usize, VecDeque<u64>)>> = const { RefCell::new(None) };
}

/// Makes call `id` runnable in the run in progress on this thread.
fn runnable(id: u64) {
    RUNNABLE.with(|runnable| {
        if let Some((_, ids)) = runnable.borrow_mut().as_mut() {
            ids.push_back(id);
        }
    });
}

/// The waker of a call on the loop's thread: on that thread, while its completer runs calls,
/// it queues the call to be polled in the same run; from anywhere else, it reports to the
/// loop through the queue.
struct CallWaker {
    id: u64,
    shared: Arc<Shared>,
}

impl Wake for CallWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let owner = Arc::as_ptr(&self.shared) as usize;
        let queued = RUNNABLE.with(|runnable| match runnable.try_borrow_mut() {
            Ok(mut runnable) => match runnable.as_mut() {
                Some((running, ids)) if *running == owner => {
                    ids.push_back(self.id);
                    true
                }
                _ => false,
            },
            Err(_) => false,
        });
        if !queued {
            self.shared.push(Event::Woken(self.id));
        }
    }
}

/// How a call runs.
enum Task {
    /// On the runtime, as a task.
    Spawned(AbortHandle),
    /// On the loop's thread; `None` while it is being polled.
    Local(Option<LocalCall>),
}

/// A call in progress.
struct Call {
    future: Py<CallFuture>,
    task: Task,
}

/// The completer's own epoll instance: every socket a call waits on is registered there, and
/// the event loop watches this one file descriptor (`loop.add_reader`), readable whenever one of
/// them is ready. Watching a socket costs one `epoll_ctl` call (a socket is armed for one
/// event, and stays in the instance until closed), and no Python. The wake-up socket is
/// registered in it too.
#[cfg(target_os = "linux")]
struct Poller(connector_service::transport::Epoll);

#[cfg(target_os = "linux")]
impl Poller {
    fn new(wake: RawFd) -> std::io::Result<Poller> {
        let epoll = connector_service::transport::Epoll::new()?;
        epoll.add(wake, false)?;
        Ok(Poller(epoll))
    }

    /// The descriptor the event loop watches.
    fn fd(&self) -> RawFd {
        self.0.fd()
    }

    /// Watches `fd` (readable, or writable) for one event, replacing any earlier watch of it:
    /// once reported, it stays in the instance, silent (one `epoll_ctl` per watch).
    fn arm(&self, fd: RawFd, writable: bool) -> std::io::Result<()> {
        self.0.arm(fd, writable)
    }

    /// Stops watching `fd` (nothing if it was not watched).
    fn remove(&self, fd: RawFd) {
        self.0.remove(fd)
    }

    /// The descriptors ready now, without waiting.
    fn ready(&self) -> Vec<RawFd> {
        let mut ready = Vec::new();
        self.0.wait(Some(std::time::Duration::ZERO), &mut ready);
        ready
    }
}

/// Elsewhere (no epoll), the loop watches the wake-up socket itself, and calls run on the
/// runtime (see `NativeClient.call`): no socket of a call is ever watched here.
#[cfg(not(target_os = "linux"))]
struct Poller(RawFd);

#[cfg(not(target_os = "linux"))]
impl Poller {
    fn new(wake: RawFd) -> std::io::Result<Poller> {
        Ok(Poller(wake))
    }

    fn fd(&self) -> RawFd {
        self.0
    }

    fn arm(&self, _fd: RawFd, _writable: bool) -> std::io::Result<()> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    fn remove(&self, _fd: RawFd) {}

    fn ready(&self) -> Vec<RawFd> {
        Vec::new()
    }
}

/// The calls in progress of one event loop, and the queue of what other threads report.
#[pyclass(module = "connector_service._native", frozen)]
pub struct Completer {
    shared: Arc<Shared>,
    /// The read end of the wake-up socket pair (watched through the poller).
    watched: UnixStream,
    /// The sockets of the calls, and the wake-up socket: the one descriptor the loop watches.
    poller: Poller,
    /// Calls in progress. Only touched with the GIL held.
    pending: Mutex<HashMap<u64, Call>>,
    /// The sockets watched for the calls, by file descriptor. Only touched with the GIL held.
    watches: Mutex<Watches>,
    /// The loop's timer (`call_later`'s handle) for the earliest deadline, and when it fires.
    timer: Mutex<Option<(Instant, Py<PyAny>)>>,
    /// What the call being polled asks the loop to watch.
    asked: Arc<AskedWatches>,
    /// How many reports other threads made (for diagnostics and tests).
    reports: AtomicU64,
    next_id: AtomicU64,
}

impl Completer {
    fn lock_pending(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Call>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_watches(&self) -> std::sync::MutexGuard<'_, Watches> {
        self.watches.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn new_future(&self, py: Python<'_>, event_loop: Py<PyAny>) -> PyResult<(u64, Py<CallFuture>)> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        Ok((id, Py::new(py, CallFuture::new(id, event_loop))?))
    }

    /// Registers a call on `event_loop` run by the runtime and spawns its task; returns the
    /// call's future.
    pub fn register(
        &self,
        py: Python<'_>,
        event_loop: Py<PyAny>,
        spawn: impl FnOnce(u64, Arc<Shared>) -> AbortHandle,
    ) -> PyResult<Py<CallFuture>> {
        let (id, future) = self.new_future(py, event_loop)?;
        // Spawned with the map locked, so `drain` finds the call even if it completes at once.
        let mut pending = self.lock_pending();
        let abort = spawn(id, Arc::clone(&self.shared));
        pending.insert(
            id,
            Call {
                future: future.clone_ref(py),
                task: Task::Spawned(abort),
            },
        );
        Ok(future)
    }

    /// Starts a call on `event_loop`'s thread (see the module's documentation): `call` makes
    /// the call's future, given the loop to watch its sockets; it is polled at once (the
    /// request is on its way when this returns). Returns the call's future.
    pub fn start(
        slf: &Bound<'_, Completer>,
        event_loop: Py<PyAny>,
        call: impl FnOnce(Arc<dyn EventLoop>) -> LocalCall,
    ) -> PyResult<Py<CallFuture>> {
        let this = slf.get();
        let py = slf.py();
        // Its timers and tasks: started before anything is registered.
        crate::runtime::runtime().map_err(crate::runtime_error)?;
        let (id, future) = this.new_future(py, event_loop)?;
        let task = call(this.asked.clone());
        this.lock_pending().insert(
            id,
            Call {
                future: future.clone_ref(py),
                task: Task::Local(Some(task)),
            },
        );
        Completer::run(slf, || runnable(id))?;
        Completer::schedule_deadline(slf)?;
        Ok(future)
    }

    /// Polls the calls `wake` makes runnable (with [`runnable`], or by waking their wakers),
    /// and every call they wake in turn, until none is left: with the GIL released while each
    /// is polled, its new watches then handed to the loop, and a finished call's future
    /// resolved. Within a run (a resumed task starting a call), it adds the calls to that run.
    fn run(slf: &Bound<'_, Completer>, wake: impl FnOnce()) -> PyResult<()> {
        let owner = Arc::as_ptr(&slf.get().shared) as usize;
        let running =
            RUNNABLE.with(|runnable| matches!(&*runnable.borrow(), Some((r, _)) if *r == owner));
        if running {
            wake();
            return Ok(()); // the run in progress polls them
        }
        /// Puts back what ran on this thread before (nothing, in practice), however the run ends.
        struct Restore(Option<(usize, VecDeque<u64>)>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let outer = self.0.take();
                RUNNABLE.with(|runnable| runnable.replace(outer));
            }
        }
        let _restore =
            Restore(RUNNABLE.with(|runnable| runnable.replace(Some((owner, VecDeque::new())))));
        wake();
        Completer::run_queued(slf)
    }

    fn run_queued(slf: &Bound<'_, Completer>) -> PyResult<()> {
        let this = slf.get();
        let py = slf.py();
        let rt = crate::runtime::runtime().map_err(crate::runtime_error)?;
        // A KeyboardInterrupt or SystemExit out of a resumed task, raised once the run is over
        // (as the loop raises it out of a callback).
        let mut escaped = None;
        loop {
            let next = RUNNABLE.with(|runnable| {
                runnable
                    .borrow_mut()
                    .as_mut()
                    .and_then(|(_, ids)| ids.pop_front())
            });
            let Some(id) = next else { break };
            let mut task = match this.lock_pending().get_mut(&id) {
                Some(Call {
                    task: Task::Local(task),
                    ..
                }) => match task.take() {
                    Some(task) => task,
                    None => continue,
                },
                _ => continue, // finished or cancelled since it was woken
            };
            let waker = Waker::from(Arc::new(CallWaker {
                id,
                shared: this.shared.clone(),
            }));
            let polled = py.detach(|| {
                let _runtime = rt.enter();
                task.as_mut().poll(&mut Context::from_waker(&waker))
            });
            let asked = this.asked.take();
            match polled {
                Poll::Pending => {
                    match this.lock_pending().get_mut(&id) {
                        Some(call) => call.task = Task::Local(Some(task)),
                        // Cancelled while it was polled (by an observer): dropped.
                        None => continue,
                    }
                    for asked in asked {
                        if let Err(e) = this.watch(id, asked) {
                            // The socket cannot be watched: the call fails with the reason.
                            if let Err(e) = this.fail(py, id, PyErr::from(e)) {
                                escaped.get_or_insert(e);
                            }
                            break;
                        }
                    }
                }
                Poll::Ready(result) => {
                    drop(task);
                    let call = this.lock_pending().remove(&id);
                    this.forget_watches(id);
                    if let Some(call) = call {
                        if let Err(e) = resolve(call.future.bind(py), result) {
                            escaped.get_or_insert(e);
                        }
                    }
                }
            }
        }
        escaped.map_or(Ok(()), Err)
    }

    /// Watches a socket for call `id`, until its deadline.
    fn watch(&self, id: u64, asked: Asked) -> std::io::Result<()> {
        self.poller.arm(asked.fd, asked.writable)?;
        self.lock_watches().insert(id, asked);
        Ok(())
    }

    /// Ends call `id` with `error`, its task dropped.
    fn fail(&self, py: Python<'_>, id: u64, error: PyErr) -> PyResult<()> {
        let call = self.lock_pending().remove(&id);
        self.forget_watches(id);
        let Some(call) = call else { return Ok(()) };
        drop(call.task);
        CallFuture::resolve(
            call.future.bind(py),
            Outcome::Failed(error.into_value(py).into_any()),
        )
    }

    /// Stops watching the sockets of call `id` (finished, or cancelled).
    fn forget_watches(&self, id: u64) {
        self.lock_watches().forget(id, |fd| self.poller.remove(fd));
    }

    /// The wakers of the watches whose socket is ready or whose deadline has passed; those
    /// sockets are no longer watched (a ready one was armed for that one event).
    fn fired(&self) -> Vec<Waker> {
        let ready = self.poller.ready();
        let mut fired = Vec::new();
        self.lock_watches()
            .fire(&ready, Instant::now(), &mut fired, |fd| {
                self.poller.remove(fd)
            });
        fired
    }

    /// Has the loop call `deadline_came` at the earliest deadline of the watches, unless its
    /// timer already fires by then. (A timer left for watches gone since fires and finds
    /// nothing.)
    fn schedule_deadline(slf: &Bound<'_, Completer>) -> PyResult<()> {
        let this = slf.get();
        let py = slf.py();
        let Some((deadline, call)) = this.lock_watches().earliest() else {
            return Ok(());
        };
        let mut timer = this.timer.lock().unwrap_or_else(|e| e.into_inner());
        if timer.as_ref().is_some_and(|(at, _)| *at <= deadline) {
            return Ok(());
        }
        let Some(event_loop) = this
            .lock_pending()
            .get(&call)
            .map(|c| c.future.bind(py).borrow().event_loop.clone_ref(py))
        else {
            return Ok(());
        };
        if let Some((_, old)) = timer.take() {
            old.bind(py).call_method0("cancel")?;
        }
        let delay = deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64();
        let handle = event_loop
            .bind(py)
            .call_method1("call_later", (delay, slf.getattr("deadline_came")?))?;
        *timer = Some((deadline, handle.unbind()));
        Ok(())
    }
}

/// Resolves a call's future with its result (nothing for a future already cancelled).
fn resolve(future: &Bound<'_, CallFuture>, result: Result<FlowResponse, FfiError>) -> PyResult<()> {
    let py = future.py();
    // A cancelled future (the awaiting task was cancelled) takes no result.
    if future.borrow().done() {
        return Ok(());
    }
    let outcome = match result {
        Ok(response) => match crate::values::to_python(py, &response) {
            Ok(value) => Outcome::Done(value.unbind()),
            Err(e) => Outcome::Failed(e.into_value(py).into_any()),
        },
        Err(e) => Outcome::Failed(crate::py_err(e).into_value(py).into_any()),
    };
    CallFuture::resolve(future, outcome)
}

#[pymethods]
impl Completer {
    #[new]
    fn new() -> PyResult<Completer> {
        let (watched, wake) = UnixStream::pair()?;
        watched.set_nonblocking(true)?;
        wake.set_nonblocking(true)?;
        let poller = Poller::new(watched.as_raw_fd())?;
        Ok(Completer {
            shared: Arc::new(Shared {
                queue: Mutex::new(Vec::new()),
                wake,
            }),
            watched,
            poller,
            pending: Mutex::new(HashMap::new()),
            watches: Mutex::new(Watches::default()),
            timer: Mutex::new(None),
            asked: Arc::default(),
            reports: AtomicU64::new(0),
            next_id: AtomicU64::new(0),
        })
    }

    /// The file descriptor the event loop watches (`loop.add_reader(fd, completer.drain)`).
    fn fileno(&self) -> i32 {
        self.poller.fd()
    }

    /// The number of calls in progress.
    fn __len__(&self) -> usize {
        self.lock_pending().len()
    }

    /// The number of sockets watched for the calls in progress.
    #[getter]
    fn watching(&self) -> usize {
        self.lock_watches().len()
    }

    /// How many reports other threads made so far (a call woken, a result of the runtime).
    #[getter]
    fn reports(&self) -> u64 {
        self.reports.load(Ordering::Relaxed)
    }

    /// The event loop's callback (the descriptor it watches is readable, or the earliest
    /// deadline came): polls the calls whose socket is ready or whose deadline passed, and
    /// those other threads woke; resolves the futures of the calls the runtime finished.
    fn drain(slf: &Bound<'_, Completer>) -> PyResult<()> {
        let this = slf.get();
        let py = slf.py();
        let fired = this.fired();
        // Read the wake-up bytes first, then take the queue: an event queued after the take
        // finds the queue empty and writes a new byte, so no event is left without a wake-up.
        let mut buf = [0u8; 64];
        loop {
            match (&this.watched).read(&mut buf) {
                Ok(n) if n == buf.len() => continue,
                Ok(_) => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        let events =
            std::mem::take(&mut *this.shared.queue.lock().unwrap_or_else(|e| e.into_inner()));
        this.reports
            .fetch_add(events.len() as u64, Ordering::Relaxed);
        let mut woken = Vec::new();
        let mut done = Vec::new();
        for event in events {
            match event {
                Event::Woken(id) => woken.push(id),
                Event::Done(id, result) => done.push((id, result)),
            }
        }
        let mut escaped = None;
        if !fired.is_empty() || !woken.is_empty() {
            let wake = || {
                fired.into_iter().for_each(Waker::wake);
                woken.into_iter().for_each(runnable);
            };
            if let Err(e) = Completer::run(slf, wake) {
                escaped.get_or_insert(e);
            }
        }
        let resolved: Vec<_> = {
            let mut pending = this.lock_pending();
            done.into_iter()
                .filter_map(|(id, result)| pending.remove(&id).map(|call| (call.future, result)))
                .collect()
        };
        for (future, result) in resolved {
            if let Err(e) = resolve(future.bind(py), *result) {
                escaped.get_or_insert(e);
            }
        }
        if let Err(e) = Completer::schedule_deadline(slf) {
            escaped.get_or_insert(e);
        }
        escaped.map_or(Ok(()), Err)
    }

    /// The loop's callback at the earliest deadline: the timer is spent, and `drain` runs.
    fn deadline_came(slf: &Bound<'_, Completer>) -> PyResult<()> {
        *slf.get().timer.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Completer::drain(slf)
    }

    /// Stops call `id` (its awaiting task was cancelled): its sockets are no longer watched,
    /// and its future (on the loop's thread) or task (on the runtime) is dropped, its result
    /// with it.
    fn cancel(&self, id: u64) {
        let removed = self.lock_pending().remove(&id);
        self.forget_watches(id);
        match removed.map(|call| call.task) {
            Some(Task::Spawned(abort)) => abort.abort(),
            Some(Task::Local(task)) => drop(task),
            None => {}
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Completer(fd={}, pending={})",
            self.fileno(),
            self.__len__()
        )
    }
}

/// Where a [`CallFuture`] stands.
enum Outcome {
    Pending,
    Done(Py<PyAny>),
    /// The exception the call raises.
    Failed(Py<PyAny>),
    /// Cancelled, with the message given to `cancel`.
    Cancelled(Option<Py<PyAny>>),
}

/// The awaitable of one `AsyncClient` call: an asyncio-compatible future that resumes its
/// awaiting task as soon as its result arrives (see the module's documentation).
#[pyclass(module = "connector_service._native")]
pub struct CallFuture {
    event_loop: Py<PyAny>,
    outcome: Outcome,
    /// Done callbacks, with the `contextvars.Context` each runs in.
    callbacks: Vec<(Py<PyAny>, Option<Py<PyAny>>)>,
    /// asyncio's flag: set while the future is yielded to the task that awaits it.
    #[pyo3(get, set, name = "_asyncio_future_blocking")]
    blocking: bool,
    /// The call's id, for `Completer.cancel`.
    #[pyo3(get)]
    call_id: u64,
}

impl CallFuture {
    fn new(call_id: u64, event_loop: Py<PyAny>) -> CallFuture {
        CallFuture {
            event_loop,
            outcome: Outcome::Pending,
            callbacks: Vec::new(),
            blocking: false,
            call_id,
        }
    }

    /// Sets the outcome of a pending future and runs its done callbacks now. An exception a
    /// callback raises goes to the loop's exception handler, as the loop does with a
    /// callback's; a KeyboardInterrupt or SystemExit is returned, after every callback ran.
    fn resolve(future: &Bound<'_, CallFuture>, outcome: Outcome) -> PyResult<()> {
        let py = future.py();
        let callbacks = {
            let mut this = future.borrow_mut();
            if this.done() {
                return Ok(());
            }
            this.outcome = outcome;
            std::mem::take(&mut this.callbacks)
        };
        let mut escaped = None;
        for (callback, context) in callbacks {
            let ran = match context {
                Some(context) => context.bind(py).call_method1("run", (callback, future)),
                None => callback.bind(py).call1((future,)),
            };
            let Err(e) = ran else { continue };
            if !e.is_instance_of::<PyException>(py) {
                escaped.get_or_insert(e);
                continue;
            }
            let handled = (|| {
                let details = PyDict::new(py);
                details.set_item("message", "Exception in a done callback of a call's future")?;
                details.set_item("exception", e.value(py))?;
                details.set_item("future", future)?;
                let event_loop = future.borrow().event_loop.clone_ref(py);
                event_loop
                    .bind(py)
                    .call_method1("call_exception_handler", (details,))
                    .map(drop)
            })();
            if let Err(unhandled) = handled {
                unhandled.write_unraisable(py, Some(future.as_any()));
            }
        }
        escaped.map_or(Ok(()), Err)
    }

    /// Schedules `callback(future)` on the loop, in `context` (asyncio's way of running a done
    /// callback).
    fn schedule(
        future: &Bound<'_, CallFuture>,
        event_loop: &Py<PyAny>,
        callback: Py<PyAny>,
        context: Option<Py<PyAny>>,
    ) -> PyResult<()> {
        let py = future.py();
        let kwargs = PyDict::new(py);
        if let Some(context) = context {
            kwargs.set_item("context", context)?;
        }
        event_loop
            .bind(py)
            .call_method("call_soon", (callback, future), Some(&kwargs))
            .map(drop)
    }

    /// asyncio's exception `name`, with `message` if any.
    fn asyncio_error(py: Python<'_>, name: &str, message: Option<Bound<'_, PyAny>>) -> PyErr {
        let error = py
            .import("asyncio")
            .and_then(|asyncio| asyncio.getattr(name));
        match error.and_then(|class| match message {
            Some(message) => class.call1((message,)),
            None => class.call0(),
        }) {
            Ok(error) => PyErr::from_value(error),
            Err(e) => e,
        }
    }
}

#[pymethods]
impl CallFuture {
    fn get_loop(&self, py: Python<'_>) -> Py<PyAny> {
        self.event_loop.clone_ref(py)
    }

    fn done(&self) -> bool {
        !matches!(self.outcome, Outcome::Pending)
    }

    fn cancelled(&self) -> bool {
        matches!(self.outcome, Outcome::Cancelled(_))
    }

    /// The response, or the call's exception raised; `CancelledError` if cancelled,
    /// `InvalidStateError` while pending.
    fn result(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match &self.outcome {
            Outcome::Done(value) => Ok(value.clone_ref(py)),
            Outcome::Failed(error) => Err(PyErr::from_value(error.bind(py).clone())),
            Outcome::Cancelled(message) => Err(Self::cancelled_error(py, message)),
            Outcome::Pending => Err(Self::not_set(py, "Result is not set.")),
        }
    }

    /// The call's exception, or `None` if it has a response; raises as `result` does when
    /// cancelled or pending.
    fn exception(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        match &self.outcome {
            Outcome::Done(_) => Ok(None),
            Outcome::Failed(error) => Ok(Some(error.clone_ref(py))),
            Outcome::Cancelled(message) => Err(Self::cancelled_error(py, message)),
            Outcome::Pending => Err(Self::not_set(py, "Exception is not set.")),
        }
    }

    /// Runs `callback(future)` when the future is done: at once when its result arrives,
    /// through the loop if it is cancelled or already done.
    #[pyo3(signature = (callback, *, context=None))]
    fn add_done_callback(
        slf: &Bound<'_, Self>,
        callback: Py<PyAny>,
        context: Option<Py<PyAny>>,
    ) -> PyResult<()> {
        let event_loop = {
            let mut this = slf.borrow_mut();
            if !this.done() {
                this.callbacks.push((callback, context));
                return Ok(());
            }
            this.event_loop.clone_ref(slf.py())
        };
        Self::schedule(slf, &event_loop, callback, context)
    }

    /// Removes every registration of `callback`; returns how many there were.
    fn remove_done_callback(
        &mut self,
        py: Python<'_>,
        callback: &Bound<'_, PyAny>,
    ) -> PyResult<usize> {
        let before = self.callbacks.len();
        let mut kept = Vec::with_capacity(before);
        for (registered, context) in std::mem::take(&mut self.callbacks) {
            if !registered.bind(py).eq(callback)? {
                kept.push((registered, context));
            }
        }
        self.callbacks = kept;
        Ok(before - self.callbacks.len())
    }

    /// Cancels a pending future (its callbacks are scheduled on the loop); `False` if done.
    #[pyo3(signature = (msg=None))]
    fn cancel(slf: &Bound<'_, Self>, msg: Option<Py<PyAny>>) -> PyResult<bool> {
        let (event_loop, callbacks) = {
            let mut this = slf.borrow_mut();
            if this.done() {
                return Ok(false);
            }
            this.outcome = Outcome::Cancelled(msg);
            (
                this.event_loop.clone_ref(slf.py()),
                std::mem::take(&mut this.callbacks),
            )
        };
        for (callback, context) in callbacks {
            Self::schedule(slf, &event_loop, callback, context)?;
        }
        Ok(true)
    }

    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// `await`: yields the future to the task while pending, then returns the response
    /// (`StopIteration`) or raises the call's exception.
    fn __next__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        {
            let mut this = slf.borrow_mut();
            if !this.done() {
                this.blocking = true;
                return Ok(slf.clone().into_any().unbind());
            }
        }
        let result = slf.borrow().result(slf.py());
        Err(match result {
            Ok(value) => PyStopIteration::new_err((value,)),
            Err(e) => e,
        })
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.event_loop)?;
        match &self.outcome {
            Outcome::Done(value) | Outcome::Failed(value) => visit.call(value)?,
            Outcome::Cancelled(message) => visit.call(message)?,
            Outcome::Pending => {}
        }
        for (callback, context) in &self.callbacks {
            visit.call(callback)?;
            visit.call(context)?;
        }
        Ok(())
    }

    /// Breaks reference cycles of an unreachable future: what it holds no longer matters.
    fn __clear__(&mut self) {
        self.callbacks.clear();
        if !matches!(self.outcome, Outcome::Pending) {
            self.outcome = Outcome::Cancelled(None);
        }
    }

    fn __repr__(&self) -> String {
        let state = match self.outcome {
            Outcome::Pending => "pending",
            Outcome::Done(_) => "finished",
            Outcome::Failed(_) => "failed",
            Outcome::Cancelled(_) => "cancelled",
        };
        format!("CallFuture(call_id={}, {state})", self.call_id)
    }
}

impl CallFuture {
    fn cancelled_error(py: Python<'_>, message: &Option<Py<PyAny>>) -> PyErr {
        let message = message.as_ref().map(|message| message.bind(py).clone());
        Self::asyncio_error(py, "CancelledError", message)
    }

    fn not_set(py: Python<'_>, what: &str) -> PyErr {
        let message = pyo3::types::PyString::new(py, what).into_any();
        Self::asyncio_error(py, "InvalidStateError", Some(message))
    }
}
