//! The upload list (`upload.json`): which local files go where on the farm's storage, in the
//! format the official analysers write and the transfer program reads.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;

/// One file to upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    /// The local path, with forward slashes (`D:/shot010/scene.mb`).
    pub local: String,
    /// Its path on the farm's storage (`/D/shot010/scene.mb`): [`server_path`] of `local`.
    pub server: String,
}

/// An `upload.json`: `{"asset": [{"local": …, "server": …}, …]}`. Other keys an analyser
/// writes (`scene`, …) are kept as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadList {
    /// The files, in order.
    pub asset: Vec<Asset>,
    /// Whatever else the file holds, as it was.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// The path on the farm's storage of a local path, as the official analysers write it into
/// `upload.json` (rayvision_utils' `convert_path`): backslashes become slashes; a drive path
/// loses its colon under a leading slash (`D:\a\b.mb` → `/D/a/b.mb`); any other path loses
/// its first character (`//server/share/a` → `/server/share/a`, and so a POSIX
/// `/home/a.mb` → `home/a.mb`, as the analysers do).
pub fn server_path(local: &str) -> String {
    let slashed = local.replace('\\', "/");
    if slashed.as_bytes().get(1) == Some(&b':') {
        format!("/{}", slashed.replace(':', ""))
    } else {
        slashed.chars().skip(1).collect()
    }
}

impl UploadList {
    /// The list of `paths`: each file, and every file under each directory (in name order),
    /// by its absolute path. A path that does not exist is an error naming it, before
    /// anything is uploaded.
    pub fn from_paths(paths: &[PathBuf]) -> Result<UploadList, Error> {
        let mut files = Vec::new();
        for path in paths {
            let absolute = std::path::absolute(path).map_err(|e| Error::Local {
                path: path.clone(),
                problem: e.to_string(),
            })?;
            collect(&absolute, &mut files)?;
        }
        let asset = files
            .into_iter()
            .map(|file| {
                let local = file.to_string_lossy().replace('\\', "/");
                Asset {
                    server: server_path(&local),
                    local,
                }
            })
            .collect();
        Ok(UploadList {
            asset,
            other: Default::default(),
        })
    }

    /// Reads an `upload.json` (an analyser's, or one written before).
    pub fn read(path: &Path) -> Result<UploadList, Error> {
        let local = |problem: String| Error::Local {
            path: path.to_owned(),
            problem,
        };
        let text = std::fs::read_to_string(path).map_err(|e| local(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| {
            local(format!(
                "not an upload list ({{\"asset\": [{{\"local\": …, \"server\": …}}]}}): {e}"
            ))
        })
    }

    /// The file's text as the official tools write it (Python's `json.dump(…, indent=2)`,
    /// ASCII only: every other character escaped as `\uXXXX`).
    pub fn to_json(&self) -> String {
        let pretty = serde_json::to_string_pretty(self).unwrap_or_default();
        let mut out = String::with_capacity(pretty.len());
        for c in pretty.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        out
    }

    /// A name for this list that stays the same for the same files: the name of the folder
    /// it is written into, and so of its resume database.
    pub fn key(&self) -> String {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(self.to_json().as_bytes());
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let problem = |e: std::io::Error| Error::Local {
        path: path.to_owned(),
        problem: if e.kind() == std::io::ErrorKind::NotFound {
            "no such file or directory".into()
        } else {
            e.to_string()
        },
    };
    let meta = std::fs::metadata(path).map_err(problem)?;
    if meta.is_dir() {
        let mut entries = std::fs::read_dir(path)
            .map_err(problem)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(problem)?;
        entries.sort();
        for entry in entries {
            collect(&entry, files)?;
        }
    } else {
        files.push(path.to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rayvision_utils 1.2.2.4's own cases for `convert_path` (tests/test_utils.py), and the
    /// analysers' documented example (the Maya configuration file document).
    #[test]
    fn server_paths_are_the_analysers() {
        assert_eq!(
            server_path("D:/work/render/19183793/max/d/Work/c05/112132P-embery.jpg"),
            "/D/work/render/19183793/max/d/Work/c05/112132P-embery.jpg"
        );
        assert_eq!(server_path("//pipeline/test/path"), "/pipeline/test/path");
        assert_eq!(
            server_path(r"D:\ziyuan\class01\feichuan.project"),
            "/D/ziyuan/class01/feichuan.project"
        );
        assert_eq!(
            server_path("D:/chensr/scene/maya2016_multi_layers_cameras.ma"),
            "/D/chensr/scene/maya2016_multi_layers_cameras.ma"
        );
        assert_eq!(server_path("/home/a/scene.mb"), "home/a/scene.mb");
    }

    #[test]
    fn the_text_is_pythons_json_dump_with_indent_2() {
        let list = UploadList {
            asset: vec![Asset {
                local: "D:/镜头/a.mb".into(),
                server: "/D/镜头/a.mb".into(),
            }],
            other: Default::default(),
        };
        // What `json.dump(data, f, ensure_ascii=True, indent=2)` writes for the same data.
        let python = "{\n  \"asset\": [\n    {\n      \"local\": \"D:/\\u955c\\u5934/a.mb\",\n      \"server\": \"/D/\\u955c\\u5934/a.mb\"\n    }\n  ]\n}";
        assert_eq!(list.to_json(), python);
        let back: UploadList = serde_json::from_str(&list.to_json()).unwrap();
        assert_eq!(back, list);
    }

    #[test]
    fn directories_are_walked_in_name_order_and_a_missing_path_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("tex")).unwrap();
        for name in ["tex/b.png", "tex/a.png", "scene.mb"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        let list =
            UploadList::from_paths(&[dir.path().join("scene.mb"), dir.path().join("tex")]).unwrap();
        let locals: Vec<&str> = list.asset.iter().map(|a| a.local.as_str()).collect();
        let root = dir.path().to_string_lossy().replace('\\', "/");
        assert_eq!(
            locals,
            [
                format!("{root}/scene.mb"),
                format!("{root}/tex/a.png"),
                format!("{root}/tex/b.png")
            ]
        );
        assert!(list.asset.iter().all(|a| a.server == server_path(&a.local)));

        let missing = dir.path().join("nope.mb");
        let err = UploadList::from_paths(std::slice::from_ref(&missing)).unwrap_err();
        assert!(
            err.to_string().contains(&*missing.to_string_lossy()),
            "{err}"
        );
        assert!(err.to_string().contains("no such file"), "{err}");
    }
}
