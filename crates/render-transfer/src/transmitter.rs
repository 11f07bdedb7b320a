//! Finding the official transfer program, `rayvision_transmitter`, and checking that it can
//! run here.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;

/// The transfer program's path inside an installed `rayvision_sync` package, for this system.
#[cfg(windows)]
const IN_PACKAGE: &[&str] = &["transmission", "windows", "rayvision_transmitter.exe"];
/// The transfer program's path inside an installed `rayvision_sync` package, for this system.
#[cfg(not(windows))]
const IN_PACKAGE: &[&str] = &["transmission", "linux", "rayvision_transmitter"];

/// The official transfer program, checked to be one this machine can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmitter {
    path: PathBuf,
}

impl Transmitter {
    /// The program at `path`: it must exist, be executable, and be built for this system (an
    /// ELF program or a script here; a Windows `.exe` is refused on Linux, and the other way
    /// round).
    pub fn at(path: impl Into<PathBuf>) -> Result<Transmitter, Error> {
        let path = path.into();
        let unusable = |problem: String| Error::TransmitterUnusable {
            path: path.clone(),
            problem,
        };
        let meta = std::fs::metadata(&path).map_err(|e| {
            unusable(if e.kind() == std::io::ErrorKind::NotFound {
                "no such file".into()
            } else {
                e.to_string()
            })
        })?;
        if !meta.is_file() {
            return Err(unusable("is not a file".into()));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            if meta.permissions().mode() & 0o111 == 0 {
                return Err(unusable(format!(
                    "is not executable (chmod +x {})",
                    path.display()
                )));
            }
        }
        let mut head = [0u8; 4];
        let read = std::fs::File::open(&path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .map_err(|e| unusable(e.to_string()))?;
        let head = &head[..read];
        let elf = head.starts_with(b"\x7fELF");
        let exe = head.starts_with(b"MZ");
        let script = head.starts_with(b"#!");
        if cfg!(windows) && !exe {
            return Err(unusable(
                "is not a Windows program: this machine needs transmission/windows/rayvision_transmitter.exe".into(),
            ));
        }
        if !cfg!(windows) && exe {
            return Err(unusable(
                "is a Windows program: this machine needs the Linux one, transmission/linux/rayvision_transmitter".into(),
            ));
        }
        if !(cfg!(windows) || elf || script) {
            return Err(unusable(
                "is neither a program nor a script this system can run".into(),
            ));
        }
        Ok(Transmitter { path })
    }

    /// The program given (`--transmitter`, `RENDERBUS_TRANSMITTER` or a profile's
    /// `transmitter`, resolved by the caller), else the one inside the `rayvision_sync`
    /// package of the Python on `PATH` (`python3`, then `python`), made executable if the
    /// package's installer left it without the bit (as rayvision_sync itself does before each
    /// run).
    pub fn locate(given: Option<&Path>) -> Result<Transmitter, Error> {
        if let Some(path) = given {
            return Transmitter::at(path);
        }
        let mut searched = Vec::new();
        for python in ["python3", "python"] {
            match package_dir(python) {
                Some(dir) => {
                    let path = IN_PACKAGE.iter().fold(dir, |p, part| p.join(part));
                    if path.is_file() {
                        make_executable(&path);
                        return Transmitter::at(path);
                    }
                    searched.push(format!(
                        "{} (from {python}'s rayvision_sync)",
                        path.display()
                    ));
                }
                None => searched.push(format!("{python}: no rayvision_sync package")),
            }
        }
        Err(Error::TransmitterNotFound {
            searched: format!(
                "no --transmitter, RENDERBUS_TRANSMITTER or profile `transmitter`; {}",
                searched.join("; ")
            ),
        })
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its folder, where its libraries and engines live (`LD_LIBRARY_PATH` for it).
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// The folder of the `rayvision_sync` package of the Python on `PATH` (`python3`, then
/// `python`), if any.
pub(crate) fn package_dir_of_path() -> Option<PathBuf> {
    ["python3", "python"].into_iter().find_map(package_dir)
}

/// The folder of the `rayvision_sync` package that `python` imports, if any; found without
/// importing it (no code of the package runs).
fn package_dir(python: &str) -> Option<PathBuf> {
    let output = Command::new(python)
        .args([
            "-c",
            "import importlib.util, os\n\
             s = importlib.util.find_spec('rayvision_sync')\n\
             print(os.path.dirname(s.origin) if s and s.origin else '')",
        ])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let dir = String::from_utf8(output.stdout).ok()?;
    let dir = dir.trim();
    (output.status.success() && !dir.is_empty()).then(|| PathBuf::from(dir))
}

/// Sets the executable bits on the program and its engines (`aspera/`, `raysync/`), which a
/// wheel's installer leaves off; failures are left for [`Transmitter::at`] to report.
fn make_executable(program: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let set = |path: &Path| {
            if let Ok(meta) = std::fs::metadata(path) {
                let mode = meta.permissions().mode();
                if meta.is_file() && mode & 0o111 == 0 {
                    let _ = std::fs::set_permissions(
                        path,
                        std::fs::Permissions::from_mode(mode | 0o111),
                    );
                    tracing::info!("made {} executable", path.display());
                }
            }
        };
        set(program);
        let dir = program.parent().unwrap_or(Path::new("."));
        for engine in ["aspera", "raysync"] {
            if let Ok(entries) = std::fs::read_dir(dir.join(engine)) {
                for entry in entries.flatten() {
                    set(&entry.path());
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = program;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_missing_unexecutable_or_foreign_program_is_refused_saying_why() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let missing = Transmitter::at(dir.path().join("nope")).unwrap_err();
        assert!(missing.to_string().contains("no such file"), "{missing}");

        let script = dir.path().join("fake");
        std::fs::write(&script, "#!/bin/sh\nexit 0\n").unwrap();
        let not_exec = Transmitter::at(&script).unwrap_err();
        assert!(not_exec.to_string().contains("chmod +x"), "{not_exec}");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(Transmitter::at(&script).unwrap().path(), script);

        let exe = dir.path().join("rayvision_transmitter.exe");
        std::fs::write(&exe, b"MZ\x90\x00rest").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let foreign = Transmitter::at(&exe).unwrap_err();
        assert!(foreign.to_string().contains("Windows program"), "{foreign}");

        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "hello").unwrap();
        std::fs::set_permissions(&text, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(Transmitter::at(&text).is_err());
    }
}
