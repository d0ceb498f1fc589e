//! An epoll instance (Linux): the sockets a binding waits on for its calls on an event loop
//! ([`EventLoop`](super::EventLoop)), in one descriptor that its loop watches (Python's asyncio,
//! Node's libuv) or that a thread of its own waits on (the JVM's).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// An epoll instance. Watches are level-triggered and stay until removed ([`Epoll::add`]), or
/// report one event ([`Epoll::arm`]).
pub struct Epoll(OwnedFd);

/// The events of a watch: readable, or writable.
fn interest(writable: bool) -> u32 {
    (if writable {
        libc::EPOLLOUT
    } else {
        libc::EPOLLIN
    }) as u32
}

impl Epoll {
    pub fn new() -> io::Result<Epoll> {
        // SAFETY: a plain syscall; the descriptor it returns is owned from here on.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a new descriptor, owned by nothing else.
        Ok(Epoll(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// The instance's descriptor: readable whenever one of the watched descriptors is ready.
    pub fn fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }

    /// Watches `fd` (readable, or writable), replacing any earlier watch of it.
    pub fn add(&self, fd: RawFd, writable: bool) -> io::Result<()> {
        self.set(fd, interest(writable), libc::EPOLL_CTL_ADD)
    }

    /// Watches `fd` (readable, or writable) for one event: once it has been reported, `fd`
    /// stays in the instance, silent, until armed again. Replaces any earlier watch of it.
    pub fn arm(&self, fd: RawFd, writable: bool) -> io::Result<()> {
        // Mostly a socket armed before (a kept-alive connection): MOD first.
        self.set(
            fd,
            interest(writable) | libc::EPOLLONESHOT as u32,
            libc::EPOLL_CTL_MOD,
        )
    }

    /// Sets the events watched on `fd` with `op` (`EPOLL_CTL_ADD` or `EPOLL_CTL_MOD`), and with
    /// the other one when `fd` turns out to be (ADD) or not to be (MOD) in the instance.
    fn set(&self, fd: RawFd, events: u32, op: i32) -> io::Result<()> {
        let (other, when) = if op == libc::EPOLL_CTL_ADD {
            (libc::EPOLL_CTL_MOD, libc::EEXIST)
        } else {
            (libc::EPOLL_CTL_ADD, libc::ENOENT)
        };
        let mut event = libc::epoll_event {
            events,
            u64: fd as u64,
        };
        // SAFETY: epoll_ctl on our instance with a valid event.
        unsafe {
            if libc::epoll_ctl(self.fd(), op, fd, &mut event) == 0 {
                return Ok(());
            }
            let error = io::Error::last_os_error();
            if error.raw_os_error() == Some(when)
                && libc::epoll_ctl(self.fd(), other, fd, &mut event) == 0
            {
                return Ok(());
            }
            Err(error)
        }
    }

    /// Stops watching `fd` (nothing if it was not watched).
    pub fn remove(&self, fd: RawFd) {
        // SAFETY: epoll_ctl on our instance; a descriptor it does not hold is an error ignored.
        unsafe {
            libc::epoll_ctl(self.fd(), libc::EPOLL_CTL_DEL, fd, std::ptr::null_mut());
        }
    }

    /// Waits until a watched descriptor is ready or `timeout` has passed (`None`: no limit;
    /// zero: not at all), and adds the ready ones to `ready`. A signal ends the wait early.
    pub fn wait(&self, timeout: Option<Duration>, ready: &mut Vec<RawFd>) {
        // Rounded up: a wait that ends before its deadline would only be made again.
        let mut millis = match timeout {
            None => -1,
            Some(t) => t
                .as_nanos()
                .div_ceil(1_000_000)
                .min(i32::MAX as u128)
                .try_into()
                .unwrap_or(i32::MAX),
        };
        let mut events = [libc::epoll_event { events: 0, u64: 0 }; 64];
        loop {
            // SAFETY: `events` has room for the 64 events asked for.
            let n = unsafe { libc::epoll_wait(self.fd(), events.as_mut_ptr(), 64, millis) };
            if n <= 0 {
                return;
            }
            ready.extend(events[..n as usize].iter().map(|e| e.u64 as RawFd));
            if (n as usize) < events.len() {
                return;
            }
            // A full batch: take the rest without waiting.
            millis = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::os::unix::net::UnixStream;
    use std::time::Instant;

    use super::*;

    #[test]
    fn reports_what_is_ready_and_honours_the_timeout() {
        let epoll = Epoll::new().unwrap();
        let (mut a, b) = UnixStream::pair().unwrap();
        epoll.add(b.as_raw_fd(), false).unwrap();
        let mut ready = Vec::new();
        let started = Instant::now();
        epoll.wait(Some(Duration::from_millis(30)), &mut ready);
        assert!(ready.is_empty());
        assert!(started.elapsed() >= Duration::from_millis(30));
        a.write_all(b"x").unwrap();
        epoll.wait(None, &mut ready);
        assert_eq!(ready, [b.as_raw_fd()]);
        // Level-triggered: still ready until read.
        ready.clear();
        epoll.wait(Some(Duration::ZERO), &mut ready);
        assert_eq!(ready, [b.as_raw_fd()]);
        // A later watch replaces the earlier one; a removed one reports nothing.
        epoll.add(a.as_raw_fd(), false).unwrap();
        epoll.add(a.as_raw_fd(), true).unwrap();
        epoll.remove(b.as_raw_fd());
        ready.clear();
        epoll.wait(Some(Duration::ZERO), &mut ready);
        assert_eq!(ready, [a.as_raw_fd()]);
        epoll.remove(a.as_raw_fd());
        ready.clear();
        epoll.wait(Some(Duration::ZERO), &mut ready);
        assert!(ready.is_empty());
    }

    #[test]
    fn an_armed_descriptor_reports_once_until_armed_again() {
        let epoll = Epoll::new().unwrap();
        let (mut a, b) = UnixStream::pair().unwrap();
        a.write_all(b"x").unwrap();
        epoll.arm(b.as_raw_fd(), false).unwrap();
        let mut ready = Vec::new();
        epoll.wait(Some(Duration::ZERO), &mut ready);
        assert_eq!(ready, [b.as_raw_fd()]);
        // Still readable, but silent.
        ready.clear();
        epoll.wait(Some(Duration::ZERO), &mut ready);
        assert!(ready.is_empty());
        epoll.arm(b.as_raw_fd(), false).unwrap();
        epoll.wait(Some(Duration::ZERO), &mut ready);
        assert_eq!(ready, [b.as_raw_fd()]);
        // A closed descriptor leaves the instance: its number, when reused (mostly at once),
        // is armed anew.
        drop(b);
        let (c, _d) = UnixStream::pair().unwrap();
        epoll.arm(c.as_raw_fd(), true).unwrap();
        ready.clear();
        epoll.wait(Some(Duration::ZERO), &mut ready);
        assert_eq!(ready, [c.as_raw_fd()]);
    }
}
