//! Started calls (Kotlin's `suspend` calls and `CompletableFuture`s) without a hand-off to the
//! runtime's threads (Linux).
//!
//! A started call used to be a task on the tokio runtime: the calling thread woke one of the
//! runtime's threads, which made the exchange (hyper's connection task), was woken by the kernel
//! when the answer came, and handed it to the completion function, which resumed the coroutine
//! on its dispatcher's thread: three wake-ups per call, where a blocking OkHttp call has one.
//!
//! Here the call's future ([`JsonClient::call_on_event_loop`]) is polled at once on the calling
//! thread, which writes the request itself (the blocking transport's connections and pool, on
//! non-blocking sockets), and arms the socket in the reactor's epoll instance for its answer;
//! the calling thread then goes back to its coroutines. The reactor's thread, a JVM thread
//! (`RawCalls` starts it) that waits on that instance inside [`Reactor::next`], polls the call
//! again when its socket is readable (it reads and parses the answer there) and returns the
//! answer to Kotlin, which resumes the coroutine: two wake-ups, the reactor's by the kernel and
//! the coroutine's by its dispatcher, and no callback from native code into the JVM. Until a
//! thread drives the reactor, started calls are tasks on the runtime, as elsewhere.
//!
//! Coroutines on Kotlin's `ConnectorClient.dispatcher` run on the reactor's thread itself,
//! between its waits: [`Reactor::interrupt`] (a coroutine dispatched there from another thread)
//! has [`Reactor::next`] return, after the sockets ready then are handled, so that the thread
//! runs them. Their calls are started on that thread, and resumed there when their answers come:
//! one wake-up per call, the reactor's, as a blocking call.
//!
//! Other threads wake a call too: a new connection is made on a thread of its own, the
//! runtime's timers (retry back-off) fire on its threads, and behind a proxy the exchanges run
//! on the runtime. Those queue the call and wake the reactor through an eventfd.
//!
//! The reactor keeps each watch's deadline: a socket still not ready then wakes its call,
//! which fails with a timeout. While calls come, it wakes at least every [`TICK`], so that a
//! call's watch (its deadline seconds away) never has to wake it; after [`IDLE`] without a
//! call it waits for the next one alone, which the first watch then wakes.
//!
//! A call's future is polled by one thread at a time: its state ([`Task`]) says whether it is
//! idle, queued or being polled, and a wake during a poll has it polled again by the thread
//! that polls it.
//!
//! [`JsonClient::call_on_event_loop`]: connector_service::json::JsonClient::call_on_event_loop

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use connector_service::transport::{Asked, Epoll, EventLoop, Watches};

/// A started call: its answer, the response JSON or the error JSON.
pub(crate) type CallFuture = Pin<Box<dyn Future<Output = Result<String, String>> + Send>>;

/// While calls come, the reactor's thread wakes at least this often (see the module's
/// documentation).
const TICK: Duration = Duration::from_secs(1);

/// After this long without a call, the reactor's thread waits for the next one alone.
const IDLE: Duration = Duration::from_secs(10);

// A task's states.
/// Not queued, not being polled: waits for a wake.
const IDLE_TASK: u8 = 0;
/// In the reactor's queue.
const QUEUED: u8 = 1;
/// Being polled.
const POLLED: u8 = 2;
/// Being polled, and woken since: polled again by the same thread.
const WOKEN: u8 = 3;
/// Finished or cancelled: its future is gone.
const DONE: u8 = 4;

/// One started call.
struct Task {
    id: u64,
    state: AtomicU8,
    cancelled: AtomicBool,
    future: Mutex<Option<CallFuture>>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            let next = match state {
                IDLE_TASK => QUEUED,
                POLLED => WOKEN,
                _ => return,
            };
            match self
                .state
                .compare_exchange_weak(state, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        if state == IDLE_TASK {
            if let Some(reactor) = reactor() {
                reactor.queue(self.clone());
            }
        }
    }
}

/// What the reactor's thread and the callers share.
struct State {
    watches: Watches,
    /// Woken calls to poll.
    queue: VecDeque<Arc<Task>>,
    /// The calls in progress, to cancel by id.
    tasks: HashMap<u64, Arc<Task>>,
    /// While the reactor's thread waits: until when (`None`: until woken).
    waiting: Option<Option<Instant>>,
    /// When the reactor last had a call in progress.
    busy: Instant,
    /// Set by [`Reactor::interrupt`]: [`Reactor::next`] returns [`Next::Interrupted`].
    interrupted: bool,
}

/// What [`Reactor::next`] returns.
pub(crate) enum Next {
    /// A call ended: its id and its answer.
    Ended(u64, Result<String, String>),
    /// [`Reactor::interrupt`] was called (the thread has coroutines of its own to run).
    Interrupted,
}

/// The reactor: an epoll instance, an eventfd to wake its thread, and the calls.
pub(crate) struct Reactor {
    epoll: Epoll,
    wake: OwnedFd,
    state: Mutex<State>,
    /// Held by the thread that drives the reactor.
    driver: Mutex<()>,
}

/// The process's reactor, made on first use; `None` if it could not be set up.
static REACTOR: LazyLock<Option<Reactor>> = LazyLock::new(|| Reactor::new().ok());

/// Whether a thread drives the reactor ([`Reactor::next`]), or is about to ([`Reactor::claim`]):
/// until then, calls run on the runtime.
static DRIVEN: AtomicBool = AtomicBool::new(false);

/// The reactor, once a thread drives it.
pub(crate) fn reactor() -> Option<&'static Reactor> {
    if DRIVEN.load(Ordering::Acquire) {
        REACTOR.as_ref()
    } else {
        None
    }
}

/// The [`EventLoop`] a call's future is given: its watches are the reactor's, named by call.
struct CallLoop {
    call: u64,
}

impl EventLoop for CallLoop {
    fn watch(&self, fd: RawFd, writable: bool, deadline: Instant, waker: &Waker) {
        if let Some(reactor) = reactor() {
            reactor.watch(self.call, fd, writable, deadline, waker);
        }
    }
}

impl Reactor {
    fn new() -> std::io::Result<Reactor> {
        let epoll = Epoll::new()?;
        // SAFETY: a plain syscall; the descriptor it returns is owned from here on.
        let wake = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if wake < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `wake` is a new descriptor, owned by nothing else.
        let wake = unsafe { OwnedFd::from_raw_fd(wake) };
        epoll.add(wake.as_raw_fd(), false)?;
        Ok(Reactor {
            epoll,
            wake,
            state: Mutex::new(State {
                watches: Watches::default(),
                queue: VecDeque::new(),
                tasks: HashMap::new(),
                waiting: None,
                busy: Instant::now(),
                interrupted: false,
            }),
            driver: Mutex::new(()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The event loop for the call `call`'s future.
    pub(crate) fn event_loop(call: u64) -> Arc<dyn EventLoop> {
        Arc::new(CallLoop { call })
    }

    /// Starts a call: polls it on this thread. Returns its answer if it ended at once;
    /// otherwise [`Reactor::next`] returns it.
    pub(crate) fn start(&self, call: u64, future: CallFuture) -> Option<Result<String, String>> {
        let task = Arc::new(Task {
            id: call,
            state: AtomicU8::new(POLLED),
            cancelled: AtomicBool::new(false),
            future: Mutex::new(Some(future)),
        });
        {
            let mut state = self.lock();
            state.tasks.insert(call, task.clone());
            state.busy = Instant::now();
        }
        self.poll(&task)
    }

    /// Cancels a call in progress: its future is dropped (by the thread polling it, if one
    /// is), and its answer never comes.
    pub(crate) fn cancel(&self, call: u64) {
        let task = self.lock().tasks.remove(&call);
        if let Some(task) = task {
            task.cancelled.store(true, Ordering::Release);
            task.wake_by_ref();
        }
    }

    /// Has [`Reactor::next`] return [`Next::Interrupted`] (now, if a thread waits in it; else
    /// the next time it is called), once it has handled the sockets that are ready: the
    /// reactor's thread has coroutines to run (Kotlin's dispatcher on that thread).
    pub(crate) fn interrupt(&self) {
        let wake = {
            let mut state = self.lock();
            state.interrupted = true;
            state.waiting.take().is_some()
        };
        if wake {
            self.wake();
        }
    }

    /// Queues a woken call for the reactor's thread, waking it if it waits (it never does when
    /// this is its thread).
    fn queue(&self, task: Arc<Task>) {
        let wake = {
            let mut state = self.lock();
            state.queue.push_back(task);
            state.waiting.take().is_some()
        };
        if wake {
            self.wake();
        }
    }

    fn wake(&self) {
        let one = 1u64.to_ne_bytes();
        // SAFETY: an 8-byte write to our eventfd; a full counter (never, in practice) already
        // wakes the reader.
        unsafe { libc::write(self.wake.as_raw_fd(), one.as_ptr().cast(), 8) };
    }

    /// Watches `fd` for the call `call` until `deadline` (see [`EventLoop::watch`]).
    fn watch(&self, call: u64, fd: RawFd, writable: bool, deadline: Instant, waker: &Waker) {
        let mut state = self.lock();
        // Armed under the lock that the reactor's thread takes to handle the event: the event
        // finds the watch recorded.
        let armed = self.epoll.arm(fd, writable).is_ok();
        // No watch possible (the kernel's limit of watches): the deadline at once, which fails
        // the call with a timeout rather than leaving it waiting for nothing.
        let deadline = if armed { deadline } else { Instant::now() };
        let waker = waker.clone();
        state.watches.insert(
            call,
            Asked {
                fd,
                writable,
                deadline,
                waker,
            },
        );
        // The reactor's thread waits past this deadline: it must plan again.
        let sooner = matches!(state.waiting, Some(until) if until.is_none_or(|u| deadline < u));
        if sooner {
            state.waiting = None;
            drop(state);
            self.wake();
        }
    }

    /// Polls a call (in state `POLLED`) until it is pending with no wake in between, or
    /// ended. Returns its answer if it ended now (not cancelled).
    fn poll(&self, task: &Arc<Task>) -> Option<Result<String, String>> {
        loop {
            let answer = {
                let mut future = task.future.lock().unwrap_or_else(|e| e.into_inner());
                let Some(call) = future.as_mut() else {
                    task.state.store(DONE, Ordering::Release);
                    return None;
                };
                if task.cancelled.load(Ordering::Acquire) {
                    // Its watches go before its sockets are closed.
                    self.forget_watches(task.id);
                    *future = None;
                    task.state.store(DONE, Ordering::Release);
                    return None;
                }
                let waker = Waker::from(task.clone());
                match call.as_mut().poll(&mut Context::from_waker(&waker)) {
                    Poll::Ready(answer) => {
                        *future = None;
                        Some(answer)
                    }
                    Poll::Pending => None,
                }
            };
            if let Some(answer) = answer {
                task.state.store(DONE, Ordering::Release);
                self.lock().tasks.remove(&task.id);
                return Some(answer);
            }
            if task
                .state
                .compare_exchange(POLLED, IDLE_TASK, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                return None;
            }
            // Woken while polled: again.
            task.state.store(POLLED, Ordering::Release);
        }
    }

    fn forget_watches(&self, call: u64) {
        self.lock().watches.forget(call, |fd| self.epoll.remove(fd));
    }

    /// Says that a thread is about to drive the reactor ([`Reactor::next`]): calls use it from
    /// now on. `false` where there is no reactor.
    pub(crate) fn claim() -> bool {
        let exists = REACTOR.is_some();
        if exists {
            DRIVEN.store(true, Ordering::Release);
        }
        exists
    }

    /// Drives the reactor on this thread until a call ends or [`Reactor::interrupt`] is called:
    /// polls the queued calls, waits for sockets, wakes their calls. `None` where there is no
    /// reactor. One thread at a time drives it (another waits here for its turn).
    pub(crate) fn next() -> Option<Next> {
        let reactor = REACTOR.as_ref()?;
        let _driver = reactor.driver.lock().unwrap_or_else(|e| e.into_inner());
        DRIVEN.store(true, Ordering::Release);
        // The calls' timers are the runtime's.
        let _entered = crate::runtime().ok().map(|runtime| runtime.enter());
        Some(reactor.turn())
    }

    fn turn(&self) -> Next {
        let mut ready = Vec::new();
        let mut woken = Vec::new();
        // Interrupted: the sockets ready now are handled (one wait that does not block) before
        // the thread goes back to its coroutines, which therefore never starve the calls.
        let mut swept = false;
        loop {
            let next = self.lock().queue.pop_front();
            if let Some(task) = next {
                task.state.store(POLLED, Ordering::Release);
                if let Some(answer) = self.poll(&task) {
                    return Next::Ended(task.id, answer);
                }
                continue;
            }
            let timeout = {
                let mut state = self.lock();
                if !state.queue.is_empty() {
                    continue;
                }
                if state.interrupted {
                    if swept {
                        state.interrupted = false;
                        return Next::Interrupted;
                    }
                    swept = true;
                }
                let now = Instant::now();
                if !state.tasks.is_empty() {
                    state.busy = now;
                }
                let earliest = state.watches.earliest().map(|(deadline, _)| deadline);
                let until = if now.duration_since(state.busy) < IDLE {
                    Some(earliest.map_or(now + TICK, |e| e.min(now + TICK)))
                } else {
                    earliest
                };
                if swept {
                    Some(Duration::ZERO)
                } else {
                    state.waiting = Some(until);
                    until.map(|u| u.saturating_duration_since(now))
                }
            };
            ready.clear();
            self.epoll.wait(timeout, &mut ready);
            let mut state = self.lock();
            state.waiting = None;
            if ready.contains(&self.wake.as_raw_fd()) {
                let mut count = [0u8; 8];
                // SAFETY: an 8-byte read from our non-blocking eventfd.
                unsafe { libc::read(self.wake.as_raw_fd(), count.as_mut_ptr().cast(), 8) };
            }
            // A ready socket was armed for that one event: silent from now on.
            state
                .watches
                .fire(&ready, Instant::now(), &mut woken, |fd| {
                    self.epoll.remove(fd)
                });
            drop(state);
            for waker in woken.drain(..) {
                waker.wake();
            }
        }
    }

    /// How many sockets are watched for the call `call`, and whether it is in progress.
    #[cfg(test)]
    pub(crate) fn counts_of(&self, call: u64) -> (usize, bool) {
        let state = self.lock();
        (state.watches.of_call(call), state.tasks.contains_key(&call))
    }
}
