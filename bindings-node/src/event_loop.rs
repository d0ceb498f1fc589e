//! Calls made on the JavaScript thread, their sockets watched by Node's own event loop (libuv).
//!
//! A call through napi-rs's `async` machinery runs on its tokio runtime: its HTTP exchange is
//! handed to the runtime's threads (hyper's connection task), and the promise is settled back
//! on the JavaScript thread through a thread-safe function. At concurrency 1 that is two thread
//! hand-offs per call, which a JavaScript HTTP client (undici) does not make.
//!
//! Here the call's future ([`Client::execute_on_event_loop`](connector_service::Client)) is
//! polled on the JavaScript thread, within the runtime's context (for its timers). Its
//! exchanges are made there too, on non-blocking sockets: when one would block, the future asks
//! to watch the socket ([`EventLoop::watch`]), and the [`Reactor`] of this thread arms it, for
//! one event, in an epoll instance of its own. libuv watches that one descriptor (a poll
//! handle), and one timer stands for the earliest deadline of the watched sockets. libuv calls
//! back on this thread when a socket is ready (or a deadline comes), the calls are polled again
//! and read their answers, and their promises are settled right there, within a callback scope
//! (so their reactions run before the loop goes on). A new connection is made on a thread of
//! its own, and the runtime's timers (retry back-off) fire on its threads: those wake the call
//! through a libuv async handle.
//!
//! Watching a socket costs one `epoll_ctl` (a socket stays in the instance, silent once its
//! event is reported, until it is closed), where a libuv poll handle per wait cost five system
//! calls and two handles: about a tenth of the JavaScript thread's time at 50 calls at once.
//!
//! A call cancelled from JavaScript ([`Reactor::cancel`]) is ended at once: its sockets are no
//! longer watched, its future is dropped (closing its connection), its promise is resolved.
//!
//! One reactor per JavaScript thread (the main thread, each worker), made on its first call and
//! torn down with its environment. Every libuv and N-API call here is made on that thread, but
//! `uv_async_send`, with which other threads wake it.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::ffi::c_void;
use std::future::Future;
use std::os::raw::c_int;
use std::pin::Pin;
use std::ptr;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use connector_service::ffi::FfiError;
use connector_service::transport::{Asked, AskedWatches, Epoll, EventLoop, Watches};
use napi::sys;

/// A call's future, as the reactor polls it: the envelope of its result.
pub type LocalCall = Pin<Box<dyn Future<Output = Result<String, FfiError>> + Send>>;

// libuv, as Node exports it to addons (uv.h). Handles are opaque: allocated with the size
// `uv_handle_size` gives, their first field (`void* data`) the only one read or written here.
const UV_ASYNC: c_int = 1;
const UV_POLL: c_int = 8;
const UV_TIMER: c_int = 13;
const UV_READABLE: c_int = 1;

type Handle = *mut c_void;

extern "C" {
    fn uv_handle_size(kind: c_int) -> usize;
    fn uv_poll_init(event_loop: *mut sys::uv_loop_s, handle: Handle, fd: c_int) -> c_int;
    fn uv_poll_start(
        handle: Handle,
        events: c_int,
        callback: unsafe extern "C" fn(Handle, c_int, c_int),
    ) -> c_int;
    fn uv_timer_init(event_loop: *mut sys::uv_loop_s, handle: Handle) -> c_int;
    fn uv_timer_start(
        handle: Handle,
        callback: unsafe extern "C" fn(Handle),
        timeout: u64,
        repeat: u64,
    ) -> c_int;
    fn uv_async_init(
        event_loop: *mut sys::uv_loop_s,
        handle: Handle,
        callback: unsafe extern "C" fn(Handle),
    ) -> c_int;
    fn uv_async_send(handle: Handle) -> c_int;
    fn uv_close(handle: Handle, callback: unsafe extern "C" fn(Handle));
    fn uv_ref(handle: Handle);
    fn uv_unref(handle: Handle);
}

/// A new, uninitialized libuv handle of `kind`.
fn alloc_handle(kind: c_int) -> Handle {
    let layout = handle_layout(kind);
    // SAFETY: the layout has a non-zero size (a libuv handle's).
    unsafe { std::alloc::alloc_zeroed(layout) as Handle }
}

fn handle_layout(kind: c_int) -> std::alloc::Layout {
    // SAFETY: a plain query of libuv.
    let size = unsafe { uv_handle_size(kind) };
    std::alloc::Layout::from_size_align(size.max(1), 16).expect("a libuv handle's layout")
}

unsafe extern "C" fn free_poll(handle: Handle) {
    std::alloc::dealloc(handle as *mut u8, handle_layout(UV_POLL));
}

unsafe extern "C" fn free_timer(handle: Handle) {
    std::alloc::dealloc(handle as *mut u8, handle_layout(UV_TIMER));
}

unsafe extern "C" fn free_async(handle: Handle) {
    std::alloc::dealloc(handle as *mut u8, handle_layout(UV_ASYNC));
}

/// What other threads share with the JavaScript thread.
struct Shared {
    /// Calls woken by another thread, and the async handle that wakes the loop for them
    /// (null once the environment is torn down: nothing is woken any more).
    woken: Mutex<(Vec<u64>, usize)>,
}

thread_local! {
    /// This thread's reactor.
    static REACTOR: RefCell<Option<Rc<Reactor>>> = const { RefCell::new(None) };
    /// While the reactor runs calls: the calls woken so far that it has not polled yet.
    static RUNNABLE: RefCell<Option<VecDeque<u64>>> = const { RefCell::new(None) };
}

/// The waker of a call: on the JavaScript thread, during a run, it queues the call to be
/// polled in the same run; from anywhere else, it wakes the loop through the async handle.
struct CallWaker {
    id: u64,
    shared: Arc<Shared>,
}

impl Wake for CallWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let queued = RUNNABLE.with(|runnable| match runnable.try_borrow_mut() {
            Ok(mut runnable) => match runnable.as_mut() {
                Some(ids) => {
                    ids.push_back(self.id);
                    true
                }
                None => false,
            },
            Err(_) => false,
        });
        if queued {
            return;
        }
        let mut woken = self.shared.woken.lock().unwrap_or_else(|e| e.into_inner());
        if woken.1 != 0 {
            woken.0.push(self.id);
            // SAFETY: the handle stays open while it is set (the teardown clears it, under this
            // lock, before closing it); uv_async_send may be called from any thread.
            unsafe { uv_async_send(woken.1 as Handle) };
        }
    }
}

/// A call in progress: its promise's deferred, and its future (`None` while polled).
struct Call {
    deferred: sys::napi_deferred,
    task: Option<LocalCall>,
}

/// The calls of one JavaScript thread.
pub struct Reactor {
    env: sys::napi_env,
    shared: Arc<Shared>,
    wake: Handle,
    /// The object and async context of the callback scope promises are settled in.
    resource: sys::napi_ref,
    context: sys::napi_async_context,
    calls: RefCell<HashMap<u64, Call>>,
    /// The sockets the calls wait on, armed in `epoll`, which the poll handle `poll` watches.
    epoll: Epoll,
    poll: Handle,
    watches: RefCell<Watches>,
    /// The timer of the earliest deadline, and when it fires (`None`: it is not running).
    timer: Handle,
    timer_at: Cell<Option<Instant>>,
    /// What the call being polled asks the loop to watch.
    asked: Arc<AskedWatches>,
}

/// An N-API status as a napi error.
fn check(status: sys::napi_status, what: &str) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::from_reason(format!(
            "{what} failed ({status})"
        )))
    }
}

impl Reactor {
    /// This thread's reactor for `env`, made on first use.
    fn of(env: sys::napi_env) -> napi::Result<Rc<Reactor>> {
        if let Some(reactor) = REACTOR.with(|r| r.borrow().clone()) {
            if reactor.env == env {
                return Ok(reactor);
            }
        }
        let reactor = Rc::new(Reactor::new(env)?);
        REACTOR.with(|r| *r.borrow_mut() = Some(reactor.clone()));
        // SAFETY: `env` is the current environment; the hook runs on this thread.
        check(
            unsafe { sys::napi_add_env_cleanup_hook(env, Some(teardown), env.cast()) },
            "napi_add_env_cleanup_hook",
        )?;
        Ok(reactor)
    }

    fn new(env: sys::napi_env) -> napi::Result<Reactor> {
        // SAFETY: N-API and libuv calls on the JavaScript thread, with out-pointers to locals.
        unsafe {
            let mut event_loop = ptr::null_mut();
            check(
                sys::napi_get_uv_event_loop(env, &mut event_loop),
                "napi_get_uv_event_loop",
            )?;
            let mut object = ptr::null_mut();
            check(
                sys::napi_create_object(env, &mut object),
                "napi_create_object",
            )?;
            let mut resource = ptr::null_mut();
            check(
                sys::napi_create_reference(env, object, 1, &mut resource),
                "napi_create_reference",
            )?;
            let mut name = ptr::null_mut();
            let text = "connector-service";
            check(
                sys::napi_create_string_utf8(
                    env,
                    text.as_ptr().cast(),
                    text.len() as isize,
                    &mut name,
                ),
                "napi_create_string_utf8",
            )?;
            let mut context = ptr::null_mut();
            check(
                sys::napi_async_init(env, object, name, &mut context),
                "napi_async_init",
            )?;
            let epoll = Epoll::new().map_err(|e| {
                napi::Error::from_reason(format!("cannot make an epoll instance: {e}"))
            })?;
            let wake = alloc_handle(UV_ASYNC);
            if uv_async_init(event_loop, wake, woken) != 0 {
                free_async(wake);
                return Err(napi::Error::from_reason("uv_async_init failed"));
            }
            // It keeps the loop alive only while calls are in progress; the poll handle and
            // the timer never do (a timer left for a watch gone since must not hold the
            // process).
            uv_unref(wake);
            let poll = alloc_handle(UV_POLL);
            if uv_poll_init(event_loop, poll, epoll.fd()) != 0 {
                free_poll(poll);
                uv_close(wake, free_async);
                return Err(napi::Error::from_reason(
                    "libuv cannot watch the epoll instance",
                ));
            }
            if uv_poll_start(poll, UV_READABLE, sockets_ready) != 0 {
                uv_close(poll, free_poll);
                uv_close(wake, free_async);
                return Err(napi::Error::from_reason(
                    "libuv cannot watch the epoll instance",
                ));
            }
            uv_unref(poll);
            let timer = alloc_handle(UV_TIMER);
            uv_timer_init(event_loop, timer);
            uv_unref(timer);
            Ok(Reactor {
                env,
                shared: Arc::new(Shared {
                    woken: Mutex::new((Vec::new(), wake as usize)),
                }),
                wake,
                resource,
                context,
                calls: RefCell::new(HashMap::new()),
                epoll,
                poll,
                watches: RefCell::new(Watches::default()),
                timer,
                timer_at: Cell::new(None),
                asked: Arc::default(),
            })
        }
    }

    /// Starts a call: `call` makes its future, given the loop to watch its sockets; it is
    /// polled at once (the request is on its way when this returns). Returns its promise.
    pub fn start(
        env: sys::napi_env,
        id: u64,
        call: impl FnOnce(Arc<dyn EventLoop>) -> LocalCall,
    ) -> napi::Result<sys::napi_value> {
        let reactor = Reactor::of(env)?;
        let mut deferred = ptr::null_mut();
        let mut promise = ptr::null_mut();
        // SAFETY: the current environment, out-pointers to locals.
        check(
            unsafe { sys::napi_create_promise(env, &mut deferred, &mut promise) },
            "napi_create_promise",
        )?;
        let task = call(reactor.asked.clone());
        if reactor.calls.borrow().is_empty() {
            // SAFETY: the reactor's open async handle, on its thread.
            unsafe { uv_ref(reactor.wake) };
        }
        reactor.calls.borrow_mut().insert(
            id,
            Call {
                deferred,
                task: Some(task),
            },
        );
        // Called from JavaScript: the promise's reactions run once the caller returns.
        reactor.run(|| push_runnable(id));
        Ok(promise)
    }

    /// Polls the calls `wake` makes runnable, and every call they wake in turn, until none is
    /// left; a call that finishes has its promise settled. Within a run, it adds to that run.
    fn run(&self, wake: impl FnOnce()) {
        let running = RUNNABLE.with(|r| r.borrow().is_some());
        if running {
            wake();
            return;
        }
        RUNNABLE.with(|r| *r.borrow_mut() = Some(VecDeque::new()));
        /// Ends the run however it ends.
        struct End;
        impl Drop for End {
            fn drop(&mut self) {
                RUNNABLE.with(|r| *r.borrow_mut() = None);
            }
        }
        let _end = End;
        wake();
        while let Some(id) =
            RUNNABLE.with(|r| r.borrow_mut().as_mut().and_then(VecDeque::pop_front))
        {
            self.poll(id);
        }
    }

    /// Polls call `id` once.
    fn poll(&self, id: u64) {
        let Some(mut task) = self
            .calls
            .borrow_mut()
            .get_mut(&id)
            .and_then(|call| call.task.take())
        else {
            return; // finished since it was woken
        };
        let waker = Waker::from(Arc::new(CallWaker {
            id,
            shared: self.shared.clone(),
        }));
        let polled = napi::bindgen_prelude::within_runtime_if_available(|| {
            task.as_mut().poll(&mut Context::from_waker(&waker))
        });
        let asked = self.asked.take();
        match polled {
            Poll::Pending => {
                match self.calls.borrow_mut().get_mut(&id) {
                    Some(call) => call.task = Some(task),
                    // Cancelled while polled (from JavaScript it ran): dropped, not watched.
                    None => return,
                }
                for asked in asked {
                    if let Err(reason) = self.watch(id, asked) {
                        let error = connector_service::Error::internal(reason);
                        self.finish(id, crate::envelope(Err(error.into())));
                        break;
                    }
                }
            }
            Poll::Ready(result) => {
                drop(task);
                self.finish(id, crate::envelope(result));
            }
        }
    }

    /// Starts watching a socket for call `id`, until its deadline: armed for one event (a
    /// later watch of the same socket replaces it).
    fn watch(&self, id: u64, asked: Asked) -> Result<(), String> {
        self.epoll
            .arm(asked.fd, asked.writable)
            .map_err(|e| format!("cannot watch the connection's socket: {e}"))?;
        let deadline = asked.deadline;
        self.watches.borrow_mut().insert(id, asked);
        self.fire_by(deadline);
        Ok(())
    }

    /// Has the timer fire by `deadline`. It always fires by the earliest deadline of the
    /// watches; it may fire earlier, for watches gone since, and then finds nothing.
    fn fire_by(&self, deadline: Instant) {
        if self.timer_at.get().is_some_and(|at| at <= deadline) {
            return;
        }
        // Rounded up: a timer that fires before the deadline is only started again.
        let timeout = deadline
            .saturating_duration_since(Instant::now())
            .as_millis()
            .saturating_add(1) as u64;
        // SAFETY: the reactor's initialized timer, on its loop's thread; starting a running
        // timer restarts it.
        unsafe { uv_timer_start(self.timer, deadline_came, timeout, 0) };
        self.timer_at.set(Some(deadline));
    }

    /// Cancels call `id` of this thread's reactor, if it is in progress: its sockets are no
    /// longer watched, its future is dropped (closing its connection), and its promise resolves
    /// with `envelope`. Whether there was such a call.
    pub fn cancel(id: u64, envelope: &str) -> bool {
        let Some(reactor) = REACTOR.with(|r| r.borrow().clone()) else {
            return false;
        };
        if !reactor.calls.borrow().contains_key(&id) {
            return false;
        }
        // Called from JavaScript: within its handle scope.
        reactor.finish(id, envelope.to_string());
        true
    }

    /// libuv's callback for the epoll instance (a socket is ready) or the timer (a deadline
    /// came): the calls whose socket is ready or whose deadline has passed are polled again.
    fn fire(&self) {
        let mut ready = Vec::new();
        self.epoll.wait(Some(Duration::ZERO), &mut ready);
        let mut woken = Vec::new();
        // A socket whose deadline passed is still armed: it leaves the instance.
        self.watches
            .borrow_mut()
            .fire(&ready, Instant::now(), &mut woken, |fd| {
                self.epoll.remove(fd)
            });
        if !woken.is_empty() {
            self.in_callback_scope(|| self.run(|| woken.into_iter().for_each(Waker::wake)));
        }
    }

    /// Calls woken by other threads.
    fn woken(&self) {
        let ids = std::mem::take(
            &mut self
                .shared
                .woken
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .0,
        );
        if !ids.is_empty() {
            self.in_callback_scope(|| self.run(|| ids.into_iter().for_each(push_runnable)));
        }
    }

    /// Ends call `id`: its sockets are no longer watched, its promise is resolved with
    /// `envelope`, and its future, if it still has one (a cancelled call), is dropped last.
    fn finish(&self, id: u64, envelope: String) {
        let Some(call) = self.calls.borrow_mut().remove(&id) else {
            return;
        };
        self.watches
            .borrow_mut()
            .forget(id, |fd| self.epoll.remove(fd));
        if self.calls.borrow().is_empty() {
            // SAFETY: the reactor's open async handle, on its thread.
            unsafe { uv_unref(self.wake) };
        }
        // SAFETY: N-API calls on the JavaScript thread, within a handle scope (a call from
        // JavaScript, or `in_callback_scope`); the deferred is settled once.
        unsafe {
            let mut value = ptr::null_mut();
            sys::napi_create_string_utf8(
                self.env,
                envelope.as_ptr().cast(),
                envelope.len() as isize,
                &mut value,
            );
            sys::napi_resolve_deferred(self.env, call.deferred, value);
        }
    }

    /// Runs `f` (which may settle promises) within a handle scope and a callback scope, as
    /// libuv's callbacks must: closing the callback scope runs the promises' reactions.
    fn in_callback_scope(&self, f: impl FnOnce()) {
        // SAFETY: N-API calls on the JavaScript thread, from a libuv callback (no JavaScript on
        // the stack); every scope opened is closed.
        unsafe {
            let mut handles = ptr::null_mut();
            if sys::napi_open_handle_scope(self.env, &mut handles) != sys::Status::napi_ok {
                return f();
            }
            let mut resource = ptr::null_mut();
            sys::napi_get_reference_value(self.env, self.resource, &mut resource);
            let mut scope = ptr::null_mut();
            let opened =
                sys::napi_open_callback_scope(self.env, resource, self.context, &mut scope);
            f();
            if opened == sys::Status::napi_ok {
                sys::napi_close_callback_scope(self.env, scope);
            }
            sys::napi_close_handle_scope(self.env, handles);
        }
    }
}

/// Makes call `id` runnable in the run in progress.
fn push_runnable(id: u64) {
    RUNNABLE.with(|r| {
        if let Some(ids) = r.borrow_mut().as_mut() {
            ids.push_back(id);
        }
    });
}

fn with_reactor(f: impl FnOnce(&Reactor)) {
    if let Some(reactor) = REACTOR.with(|r| r.borrow().clone()) {
        f(&reactor);
    }
}

unsafe extern "C" fn sockets_ready(_handle: Handle, _status: c_int, _events: c_int) {
    // A failed poll (`status` < 0) is handled as a ready one: the instance is read, and a call
    // whose socket failed finds the error when it reads.
    with_reactor(Reactor::fire);
}

unsafe extern "C" fn deadline_came(_handle: Handle) {
    with_reactor(|reactor| {
        reactor.timer_at.set(None);
        reactor.fire();
        let earliest = reactor.watches.borrow().earliest();
        if let Some((deadline, _)) = earliest {
            reactor.fire_by(deadline);
        }
    });
}

unsafe extern "C" fn woken(_handle: Handle) {
    with_reactor(Reactor::woken);
}

/// The teardown of environment `env` (the process exiting, a worker ending): nothing is woken
/// any more, every handle is closed, the calls in progress are dropped.
unsafe extern "C" fn teardown(env: *mut c_void) {
    let ours = |r: &Option<Rc<Reactor>>| r.as_ref().is_some_and(|r| r.env.cast() == env);
    let Some(reactor) = REACTOR.with(|r| {
        let mut r = r.borrow_mut();
        if ours(&r) {
            r.take()
        } else {
            None
        }
    }) else {
        return;
    };
    reactor
        .shared
        .woken
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .1 = 0;
    uv_close(reactor.wake, free_async);
    // Closing the poll handle stops it at once: the epoll instance may close after it.
    uv_close(reactor.poll, free_poll);
    uv_close(reactor.timer, free_timer);
    reactor.calls.borrow_mut().clear();
    sys::napi_async_destroy(reactor.env, reactor.context);
    sys::napi_delete_reference(reactor.env, reactor.resource);
}
