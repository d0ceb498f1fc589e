//! The asyncio bridge: how a call running on the tokio runtime completes the coroutine that
//! awaits it.
//!
//! One [`Completer`] per event loop. A call registers its [`CallFuture`] in the completer (on
//! the loop's thread, GIL held) and spawns one tokio task that carries only an id and, when
//! done, the result. The task pushes `(id, result)` onto the completer's queue and, if the
//! queue was empty, writes one byte to a socket pair whose read end the event loop watches
//! (`loop.add_reader`). The loop then calls [`Completer::drain`], which takes every queued
//! result at once and resolves the futures, with the GIL the loop already holds.
//!
//! So a completion costs the runtime's thread a mutex push and, at most, one `write(2)`:
//! no thread attaches to the interpreter (no GIL hand-off, no blocking-pool task, no
//! `call_soon_threadsafe`), and a burst of completions wakes the loop once. A completion that
//! arrives after the interpreter started finalizing is never delivered (nothing is left to
//! await it), and touches no Python object.
//!
//! A [`CallFuture`] is the awaitable of one call. It speaks the protocol asyncio's `Task`
//! drives (`_asyncio_future_blocking`, `get_loop`, `add_done_callback`, `result`, `cancel`),
//! with one difference from `asyncio.Future`: when its result arrives it runs its done
//! callbacks (the awaiting task's wake-up) at once, inside `drain`, where an `asyncio.Future`
//! schedules them for the loop's next iteration. The awaiting task so resumes in the iteration
//! that read the wake-up byte: one pass of the loop's Python code per call instead of two.
//! A cancellation still schedules its callbacks (`task.cancel()` must not run the task).

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use connector_service::ffi::FfiError;
use connector_service::FlowResponse;
use pyo3::exceptions::{PyException, PyStopIteration};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3::PyTraverseError;
use tokio::task::AbortHandle;

/// What the runtime's threads share with the event loop.
pub struct Shared {
    queue: Mutex<Vec<(u64, Result<FlowResponse, FfiError>)>>,
    /// Written by the runtime's threads (non-blocking) to wake the loop.
    wake: UnixStream,
}

impl Shared {
    /// Queues a result; wakes the loop if this is the first result since its last drain.
    pub fn complete(&self, id: u64, result: Result<FlowResponse, FfiError>) {
        let first = {
            let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            queue.push((id, result));
            queue.len() == 1
        };
        if first {
            // WouldBlock means unread bytes are pending: the loop wakes anyway. Any other
            // error means the loop's end is closed: no one is left to wake.
            let _ = (&self.wake).write(&[1]);
        }
    }
}

/// The futures of one event loop's calls in progress, and the queue of their results.
#[pyclass(module = "connector_service._native", frozen)]
pub struct Completer {
    shared: Arc<Shared>,
    /// The read end, watched by the event loop.
    watched: UnixStream,
    /// Calls in progress: their future and their task. Only touched with the GIL held.
    pending: Mutex<HashMap<u64, (Py<CallFuture>, AbortHandle)>>,
    next_id: AtomicU64,
}

impl Completer {
    /// Registers a call on `event_loop` and spawns its task; returns the call's future.
    pub fn register(
        &self,
        py: Python<'_>,
        event_loop: Py<PyAny>,
        spawn: impl FnOnce(u64, Arc<Shared>) -> AbortHandle,
    ) -> PyResult<Py<CallFuture>> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let future = Py::new(py, CallFuture::new(id, event_loop))?;
        // Spawned with the map locked, so `drain` finds the call even if it completes at once.
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let abort = spawn(id, Arc::clone(&self.shared));
        pending.insert(id, (future.clone_ref(py), abort));
        Ok(future)
    }
}

#[pymethods]
impl Completer {
    #[new]
    fn new() -> PyResult<Completer> {
        let (watched, wake) = UnixStream::pair()?;
        watched.set_nonblocking(true)?;
        wake.set_nonblocking(true)?;
        Ok(Completer {
            shared: Arc::new(Shared {
                queue: Mutex::new(Vec::new()),
                wake,
            }),
            watched,
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
        })
    }

    /// The file descriptor the event loop watches (`loop.add_reader(fd, completer.drain)`).
    fn fileno(&self) -> i32 {
        self.watched.as_raw_fd()
    }

    /// The number of calls in progress.
    fn __len__(&self) -> usize {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Resolves the futures of every call completed so far (run by the event loop).
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        // Read the wake-up bytes first, then take the queue: a result queued after the take
        // finds the queue empty and writes a new byte, so no result is left without a wake-up.
        let mut buf = [0u8; 64];
        loop {
            match (&self.watched).read(&mut buf) {
                Ok(n) if n == buf.len() => continue,
                Ok(_) => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        let done =
            std::mem::take(&mut *self.shared.queue.lock().unwrap_or_else(|e| e.into_inner()));
        if done.is_empty() {
            return Ok(());
        }
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let resolved: Vec<_> = done
            .into_iter()
            .filter_map(|(id, result)| pending.remove(&id).map(|(future, _)| (future, result)))
            .collect();
        drop(pending);
        // A KeyboardInterrupt or SystemExit out of a resumed task, raised once every future of
        // this batch has its result (as the loop raises it out of a callback).
        let mut escaped = None;
        for (future, result) in resolved {
            let future = future.bind(py);
            // A cancelled future (the awaiting task was cancelled) takes no result.
            if future.borrow().done() {
                continue;
            }
            let outcome = match result {
                Ok(response) => match crate::values::to_python(py, &response) {
                    Ok(value) => Outcome::Done(value.unbind()),
                    Err(e) => Outcome::Failed(e.into_value(py).into_any()),
                },
                Err(e) => Outcome::Failed(crate::py_err(e).into_value(py).into_any()),
            };
            if let Err(e) = CallFuture::resolve(future, outcome) {
                escaped.get_or_insert(e);
            }
        }
        escaped.map_or(Ok(()), Err)
    }

    /// Stops call `id` (its awaiting task was cancelled): the task is aborted, its result dropped.
    fn cancel(&self, id: u64) {
        let removed = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        if let Some((_, abort)) = removed {
            abort.abort();
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
