//! Separate `consult-coach` processes (workers, servers), ports, and what `/proc` says about them.

use std::path::PathBuf;

/// The `consult-coach` binary, for tests that run servers or workers as separate processes
/// (`CONSULT_COACH_BIN`, set by the test command; else beside the test executable).
pub fn server_binary() -> PathBuf {
    if let Ok(path) = std::env::var("CONSULT_COACH_BIN") {
        return PathBuf::from(path);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|dir| dir.join("consult-coach")))
        .unwrap_or_default()
}

/// A `consult-coach` child process (`worker` or `serve`); killed when dropped.
pub struct WorkerProcess {
    child: std::process::Child,
    /// Where its log goes.
    pub log_path: PathBuf,
}

impl WorkerProcess {
    /// Wraps a started child whose output goes to `log_path`.
    pub fn new(child: std::process::Child, log_path: PathBuf) -> Self {
        Self { child, log_path }
    }

    /// Sends a signal (`KILL`, `STOP`, `CONT`) to the process.
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status();
        assert!(status.is_ok_and(|s| s.success()), "kill -{name} failed");
    }

    /// `kill -9` and reap.
    pub fn kill_hard(&mut self) {
        self.signal("KILL");
        let _ = self.child.wait();
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything it logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free TCP port on the loopback interface.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// Resident memory of a process in kB (`VmRSS` of `/proc/PID/status`), when readable.
pub fn resident_kb(pid: u32) -> Option<u64> {
    memory_kb(pid).map(|m| m.resident)
}

/// A process's resident memory, kB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    /// All resident pages (`VmRSS`).
    pub resident: u64,
    /// The anonymous part (`RssAnon`: heap and stacks). The rest is file-backed: the binary and
    /// SQLite's memory map of the database file, page cache the kernel shares and can reclaim.
    pub anonymous: u64,
}

/// `VmRSS` and `RssAnon` of `/proc/PID/status`, when readable.
pub fn memory_kb(pid: u32) -> Option<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = |name: &str| {
        proc_field(&status, name)?
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    Some(Memory {
        resident: kb("VmRSS")?,
        anonymous: kb("RssAnon")?,
    })
}

/// The value of the `key: value` line named exactly `key` in a `/proc` text (`status`,
/// `meminfo`, `cpuinfo`), trimmed. Exact, so `model` does not find `model name`.
pub fn proc_field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        (name.trim() == key).then(|| value.trim())
    })
}

/// Runs `node ARGS…` in `dir` (off the async runtime) and returns its output.
pub async fn run_node(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .args(&args)
            .current_dir(dir)
            .output()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .unwrap_or_else(|e| panic!("node: {e}"))
}

#[cfg(test)]
mod proc_tests {
    use super::proc_field;

    #[test]
    fn a_proc_field_is_found_by_its_exact_name_and_trimmed() {
        let cpuinfo = "model name\t: AMD EPYC\ncpu family\t: 25\nmodel\t\t: 17\n";
        assert_eq!(proc_field(cpuinfo, "model"), Some("17"));
        assert_eq!(proc_field(cpuinfo, "model name"), Some("AMD EPYC"));
        let status = "VmRSS:\t  63484 kB\nRssAnon:\t   41000 kB\n";
        assert_eq!(proc_field(status, "RssAnon"), Some("41000 kB"));
        assert_eq!(proc_field(status, "VmHWM"), None);
    }
}
