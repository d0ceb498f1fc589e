//! One tokio runtime per process, shared by the async and the blocking API, and re-created in
//! a forked child.
//!
//! After `fork()` only the forking thread exists in the child: a runtime started by the parent
//! has no worker threads there, and anything scheduled on it would wait forever. The runtime is
//! therefore recorded together with the pid that started it. A process asking for the runtime
//! with another pid gets a new one; the parent's copy is leaked (dropping it would try to join
//! threads that do not exist in this process). Clients remember their pid too and refuse to be
//! used in a child (their pooled connections and timers belong to the parent's runtime).

use std::sync::atomic::{AtomicPtr, Ordering};

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
            Ok(_) => continue,
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
