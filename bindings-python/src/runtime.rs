//! One tokio runtime per process, shared by the async and the blocking API, and re-created in
//! a forked child.
//!
//! After `fork()` only the forking thread exists in the child: a runtime started by the parent
//! has no worker threads there, and anything scheduled on it would wait forever. The runtime is
//! therefore recorded together with the pid that started it. A process asking for the runtime
//! with another pid gets a new one; the parent's copy is leaked (dropping it would try to join
//! threads that do not exist in this process). Clients remember their pid too and refuse to be
//! used in a child (their pooled connections and timers belong to the parent's runtime).

use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::runtime::Runtime;

struct ProcessRuntime {
    pid: u32,
    runtime: Runtime,
}

/// The current process's runtime. Never freed: a runtime lives as long as its process.
static CURRENT: AtomicPtr<ProcessRuntime> = AtomicPtr::new(std::ptr::null_mut());

/// The runtime of this process, started on first use (and again in a forked child).
pub fn runtime() -> std::io::Result<&'static Runtime> {
    let pid = std::process::id();
    loop {
        let current = CURRENT.load(Ordering::Acquire);
        // SAFETY: pointers stored in CURRENT come from Box::into_raw and are never freed.
        if let Some(rt) = unsafe { current.as_ref() } {
            if rt.pid == pid {
                return Ok(&rt.runtime);
            }
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("connector-service")
            .build()?;
        let fresh = Box::into_raw(Box::new(ProcessRuntime { pid, runtime }));
        match CURRENT.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
            // The previous runtime (if any) belonged to the parent process: leaked on purpose.
            // Observer calls counted there were on threads that do not exist in this process.
            Ok(_) => {
                IN_PYTHON.store(0, Ordering::SeqCst);
                continue;
            }
            Err(_) => {
                // Another thread installed one first: stop ours and use theirs.
                // SAFETY: `fresh` was never shared.
                let ours = unsafe { Box::from_raw(fresh) };
                ours.runtime.shutdown_background();
            }
        }
    }
}

/// The pid whose runtime is running, if one was started (for diagnostics and tests).
pub fn runtime_pid() -> Option<u32> {
    // SAFETY: as in `runtime`.
    unsafe { CURRENT.load(Ordering::Acquire).as_ref() }.map(|rt| rt.pid)
}

// Interpreter shutdown. The runtime's threads attach to the interpreter to deliver a call's
// record to a Python observer (`on_call`); asyncio futures are completed on the event loop's
// own thread (see `bridge`), never from the runtime. A thread that attaches, or is still
// attached, while the interpreter finalizes crashes the process; the event loop can finish
// (and the program exit) while such a thread is still inside the observer. So every attach
// from the runtime goes through a gate: an atexit hook closes it and waits, with the GIL
// released, for the threads inside to leave. A record arriving after that is dropped (no one
// is left to receive it).

/// Observer calls currently attached (or about to attach) to the interpreter.
static IN_PYTHON: AtomicUsize = AtomicUsize::new(0);
/// Set by the atexit hook: the interpreter is shutting down.
static CLOSED: AtomicBool = AtomicBool::new(false);

pub(crate) struct Entered;

impl Drop for Entered {
    fn drop(&mut self) {
        IN_PYTHON.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Enters the gate, unless the interpreter is shutting down.
pub(crate) fn enter_python() -> Option<Entered> {
    // Count first, then check: with the hook's store-then-load (both SeqCst), either this
    // thread sees the gate closed, or the hook sees the count and waits.
    IN_PYTHON.fetch_add(1, Ordering::SeqCst);
    let entered = Entered;
    if CLOSED.load(Ordering::SeqCst) {
        return None;
    }
    Some(entered)
}

/// The atexit hook: closes the gate and waits for the runtime's threads to leave the
/// interpreter. Call it without holding the GIL.
pub fn close_python_gate() {
    CLOSED.store(true, Ordering::SeqCst);
    if runtime_pid() != Some(std::process::id()) {
        return; // no runtime of this process: nothing can be inside
    }
    // Bounded: an observer call never holds the GIL for long, and exiting must not hang.
    for _ in 0..5_000 {
        if IN_PYTHON.load(Ordering::SeqCst) == 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}
