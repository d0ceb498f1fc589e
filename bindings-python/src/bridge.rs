//! The asyncio bridge: how a call running on the tokio runtime completes an asyncio future.
//!
//! One [`Completer`] per event loop. A call registers its asyncio future in the completer
//! (on the loop's thread, GIL held) and spawns one tokio task that carries only an id and,
//! when done, the result. The task pushes `(id, result)` onto the completer's queue and, if the
//! queue was empty, writes one byte to a socket pair whose read end the event loop watches
//! (`loop.add_reader`). The loop then calls [`Completer::drain`], which takes every queued
//! result at once and resolves the futures, with the GIL the loop already holds.
//!
//! So a completion costs the runtime's thread a mutex push and, at most, one `write(2)`:
//! no thread attaches to the interpreter (no GIL hand-off, no blocking-pool task, no
//! `call_soon_threadsafe`), and a burst of completions wakes the loop once. A completion that
//! arrives after the interpreter started finalizing is never delivered (nothing is left to
//! await it), and touches no Python object.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use connector_service::ffi::FfiError;
use connector_service::FlowResponse;
use pyo3::prelude::*;
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
    /// Calls in progress: their asyncio future and their task. Only touched with the GIL held.
    pending: Mutex<HashMap<u64, (Py<PyAny>, AbortHandle)>>,
    next_id: AtomicU64,
}

impl Completer {
    /// Registers a call's future and task; returns the call's id.
    pub fn register(
        &self,
        future: Py<PyAny>,
        spawn: impl FnOnce(u64, Arc<Shared>) -> AbortHandle,
    ) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        // Spawned with the map locked, so `drain` finds the call even if it completes at once.
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let abort = spawn(id, Arc::clone(&self.shared));
        pending.insert(id, (future, abort));
        id
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
        for (future, result) in resolved {
            let future = future.bind(py);
            // A cancelled future (the awaiting task was cancelled) takes no result.
            if future.call_method0("done")?.is_truthy()? {
                continue;
            }
            match result {
                Ok(response) => match crate::values::to_python(py, &response) {
                    Ok(value) => future.call_method1("set_result", (value,))?,
                    Err(e) => future.call_method1("set_exception", (e.value(py),))?,
                },
                Err(e) => future.call_method1("set_exception", (crate::py_err(e).value(py),))?,
            };
        }
        Ok(())
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
