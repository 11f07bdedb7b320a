//! What changed between two versions of the spec, classified for the users of the generated
//! crates and the CLI: a change that can break their code or their wire is `Major`, one that
//! only adds is `Minor`, one that changes words is `Patch`.
//!
//! The rules follow what the generator makes of the spec:
//! - a client method takes exactly the required parameters, so a parameter becoming required,
//!   or no longer required, changes its signature (major); an optional or defaulted one added
//!   is a new setter (minor);
//! - request types are `#[non_exhaustive]`, so they may gain fields; models are not (users
//!   build them, e.g. in a `Service` of their own), so a field added to a model is major. That
//!   models keep the fields they do not know (`extra`) does not change this: a struct literal
//!   still has to name the new field, and a field the spec learns moves out of `extra` into a
//!   typed field of its own, so code that read it from `extra` no longer finds it there. What
//!   it changes is the wire: a reply with a field the spec lacks was never a failure, and no
//!   field a server sends is lost before or after the spec learns it;
//! - enums are `#[non_exhaustive]` with `Unknown(..)`: a value added is minor, removed or
//!   recoded major;
//! - a path or wire name changed is a wire change (major), as is a generation removed.

use std::collections::BTreeMap;
use std::fmt;

use crate::model::{Endpoint, Enum, GenId, Model, Param, Presence, Spec};

/// How much a change matters to users, as a semver bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Words only: descriptions, notes, examples.
    Patch,
    /// Additions: nothing that compiled or worked stops.
    Minor,
    /// Code using the generated crates, a CLI script, or the wire may break.
    Major,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        })
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// How much it matters.
    pub level: Level,
    /// Where (`endpoints[createTask].params[artist]`).
    pub at: String,
    /// What happened.
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<5} {}: {}", self.level, self.at, self.what)
    }
}

/// Every change from `old` to `new`, in spec order.
pub fn diff(old: &Spec, new: &Spec) -> Vec<Change> {
    let mut d = Differ {
        out: Vec::new(),
        old,
        new,
    };
    d.generations();
    d.enums();
    d.models();
    d.endpoints();
    d.out
}

/// One generation `g` of a spec as a spec of its own, its generation named `api`: what a
/// client of that generation sees. Diffing two generations' views shows what changed for
/// someone moving from one to the other.
pub fn generation_view(spec: &Spec, g: GenId) -> Spec {
    let mut generation = spec.generation(g).clone();
    generation.name = "api".into();
    let endpoints = spec
        .endpoints
        .iter()
        .filter_map(|ep| {
            let path = ep.path_in(g)?.to_owned();
            let mut ep = ep.clone();
            ep.paths = vec![(GenId(0), path)];
            ep.params.retain(|p| p.exists_in(g));
            for p in &mut ep.params {
                let required = p.required_in(g);
                p.only = None;
                p.required_gens = None;
                if p.is_required() && !required {
                    p.presence = Presence::Optional;
                }
            }
            ep.examples.retain(|e| e.generation == g);
            for e in &mut ep.examples {
                e.generation = GenId(0);
            }
            Some(ep)
        })
        .collect();
    let mut enums = spec.enums.clone();
    for e in &mut enums {
        e.values.retain(|v| v.only.is_none_or(|only| only == g));
        for v in &mut e.values {
            v.only = None;
        }
    }
    Spec {
        title: spec.title.clone(),
        generations: vec![generation],
        enums,
        models: spec.models.clone(),
        endpoints,
    }
}

/// The bump a list of changes needs; `None` when there is no change at all.
pub fn bump(changes: &[Change]) -> Option<Level> {
    changes.iter().map(|c| c.level).max()
}

struct Differ<'a> {
    out: Vec<Change>,
    old: &'a Spec,
    new: &'a Spec,
}

fn by_name<T>(items: &[T], name: impl Fn(&T) -> &str) -> BTreeMap<String, &T> {
    items.iter().map(|i| (name(i).to_owned(), i)).collect()
}

impl Differ<'_> {
    fn push(&mut self, level: Level, at: impl Into<String>, what: impl Into<String>) {
        self.out.push(Change {
            level,
            at: at.into(),
            what: what.into(),
        });
    }

    fn generations(&mut self) {
        let old = by_name(&self.old.generations, |g| &g.name);
        let new = by_name(&self.new.generations, |g| &g.name);
        for (name, g) in &old {
            match new.get(name) {
                None => self.push(Level::Major, format!("generations[{name}]"), "removed"),
                Some(n) if n.version != g.version => self.push(
                    Level::Major,
                    format!("generations[{name}]"),
                    format!("version header {} became {}", g.version, n.version),
                ),
                Some(n) if n.doc != g.doc => self.push(
                    Level::Patch,
                    format!("generations[{name}]"),
                    "description changed",
                ),
                Some(_) => {}
            }
        }
        for name in new.keys().filter(|n| !old.contains_key(*n)) {
            self.push(Level::Minor, format!("generations[{name}]"), "added");
        }
    }

    fn enums(&mut self) {
        let old = by_name(&self.old.enums, |e| &e.name);
        let new = by_name(&self.new.enums, |e| &e.name);
        for (name, e) in &old {
            let at = format!("enums[{name}]");
            match new.get(name) {
                None => self.push(Level::Major, at, "removed"),
                Some(n) => self.enum_(&at, e, n),
            }
        }
        for name in new.keys().filter(|n| !old.contains_key(*n)) {
            self.push(Level::Minor, format!("enums[{name}]"), "added");
        }
    }

    fn enum_(&mut self, at: &str, old: &Enum, new: &Enum) {
        if old.repr != new.repr {
            self.push(
                Level::Major,
                at,
                format!("repr {:?} became {:?}", old.repr, new.repr),
            );
        }
        if old.doc != new.doc {
            self.push(Level::Patch, at, "description changed");
        }
        let values = by_name(&new.values, |v| &v.name);
        for v in &old.values {
            let vat = format!("{at}.values[{}]", v.name);
            match values.get(&v.name) {
                None => self.push(Level::Major, vat, format!("removed (code {})", v.code)),
                Some(n) => {
                    if n.code != v.code {
                        self.push(
                            Level::Major,
                            &vat,
                            format!("code {} became {}", v.code, n.code),
                        );
                    }
                    if n.terminal != v.terminal {
                        self.push(
                            Level::Minor,
                            &vat,
                            format!("terminal {} became {}", v.terminal, n.terminal),
                        );
                    }
                    if n.only != v.only {
                        self.push(Level::Minor, &vat, "the generations it exists in changed");
                    }
                    if n.doc != v.doc || n.notes != v.notes {
                        self.push(Level::Patch, &vat, "description changed");
                    }
                }
            }
        }
        for v in new
            .values
            .iter()
            .filter(|v| !old.values.iter().any(|o| o.name == v.name))
        {
            self.push(
                Level::Minor,
                format!("{at}.values[{}]", v.name),
                format!("added (code {})", v.code),
            );
        }
    }

    fn models(&mut self) {
        let old = by_name(&self.old.models, |m| &m.name);
        let new = by_name(&self.new.models, |m| &m.name);
        for (name, m) in &old {
            let at = format!("models[{name}]");
            match new.get(name) {
                None => self.push(Level::Major, at, "removed"),
                Some(n) => self.model(&at, m, n),
            }
        }
        for name in new.keys().filter(|n| !old.contains_key(*n)) {
            self.push(Level::Minor, format!("models[{name}]"), "added");
        }
    }

    fn model(&mut self, at: &str, old: &Model, new: &Model) {
        if old.doc != new.doc || old.notes != new.notes {
            self.push(Level::Patch, at, "description changed");
        }
        let fields = by_name(&new.fields, |f| &f.wire);
        for f in &old.fields {
            let fat = format!("{at}.fields[{}]", f.wire);
            match fields.get(&f.wire) {
                None => self.push(Level::Major, fat, "removed"),
                Some(n) => {
                    if n.ty != f.ty || n.nullable != f.nullable {
                        let show = |t: &crate::Type, null: bool| {
                            format!("{t}{}", if null { "?" } else { "" })
                        };
                        self.push(
                            Level::Major,
                            &fat,
                            format!(
                                "type {} became {}",
                                show(&f.ty, f.nullable),
                                show(&n.ty, n.nullable)
                            ),
                        );
                    }
                    if n.rust != f.rust {
                        self.push(
                            Level::Major,
                            &fat,
                            format!("Rust name {} became {}", f.rust, n.rust),
                        );
                    }
                    if n.secret != f.secret {
                        self.push(Level::Minor, &fat, "secrecy changed (Debug output)");
                    }
                    if n.doc != f.doc || n.notes != f.notes || n.unit != f.unit {
                        self.push(Level::Patch, &fat, "description changed");
                    }
                }
            }
        }
        for f in new
            .fields
            .iter()
            .filter(|f| !old.fields.iter().any(|o| o.wire == f.wire))
        {
            // Models are built by users (their own Service, test fixtures): a new field breaks
            // a struct literal.
            self.push(
                Level::Major,
                format!("{at}.fields[{}]", f.wire),
                "added (code building this model by struct literal must set it, and code reading it from `extra` finds it in its own field instead)",
            );
        }
    }

    fn endpoints(&mut self) {
        let old = by_name(&self.old.endpoints, |e| &e.name);
        let new = by_name(&self.new.endpoints, |e| &e.name);
        for (name, e) in &old {
            let at = format!("endpoints[{name}]");
            match new.get(name) {
                None => self.push(Level::Major, at, "removed"),
                Some(n) => self.endpoint(&at, e, n),
            }
        }
        for name in new.keys().filter(|n| !old.contains_key(*n)) {
            self.push(Level::Minor, format!("endpoints[{name}]"), "added");
        }
    }

    /// The generation name of index `g` in the old (or new) spec.
    fn gen_name(spec: &Spec, g: GenId) -> String {
        spec.generations
            .get(g.0)
            .map_or_else(|| format!("#{}", g.0), |x| x.name.clone())
    }

    fn endpoint(&mut self, at: &str, old: &Endpoint, new: &Endpoint) {
        let old_paths: BTreeMap<String, &str> = old
            .paths
            .iter()
            .map(|(g, p)| (Self::gen_name(self.old, *g), p.as_str()))
            .collect();
        let new_paths: BTreeMap<String, &str> = new
            .paths
            .iter()
            .map(|(g, p)| (Self::gen_name(self.new, *g), p.as_str()))
            .collect();
        for (g, p) in &old_paths {
            match new_paths.get(g) {
                None => self.push(Level::Major, at, format!("no longer in {g}")),
                Some(n) if n != p => {
                    self.push(Level::Major, at, format!("path in {g}: {p} became {n}"))
                }
                Some(_) => {}
            }
        }
        for g in new_paths.keys().filter(|g| !old_paths.contains_key(*g)) {
            self.push(Level::Minor, at, format!("now in {g} too"));
        }
        if old.cli != new.cli {
            self.push(
                Level::Major,
                at,
                format!(
                    "CLI command `{} {}` became `{} {}`",
                    old.cli.group, old.cli.command, new.cli.group, new.cli.command
                ),
            );
        }
        if old.response != new.response {
            self.push(
                Level::Major,
                at,
                format!("response {} became {}", old.response, new.response),
            );
        }
        if old.idempotent != new.idempotent {
            self.push(
                Level::Minor,
                at,
                format!(
                    "idempotent {} became {} (retries)",
                    old.idempotent, new.idempotent
                ),
            );
        }
        if old.secret != new.secret {
            self.push(Level::Minor, at, "secrecy of the reply changed (logging)");
        }
        if old.doc != new.doc || old.notes != new.notes || old.source != new.source {
            self.push(Level::Patch, at, "description changed");
        }
        if old.examples.len() != new.examples.len()
            || old.examples.iter().zip(&new.examples).any(|(a, b)| {
                a.request != b.request || a.envelope != b.envelope || a.data != b.data
            })
        {
            self.push(Level::Patch, at, "examples changed");
        }
        let params = by_name(&new.params, |p| &p.wire);
        for p in &old.params {
            let pat = format!("{at}.params[{}]", p.wire);
            match params.get(&p.wire) {
                None => self.push(Level::Major, pat, "removed"),
                Some(n) => self.param(&pat, old, p, new, n),
            }
        }
        for p in new
            .params
            .iter()
            .filter(|p| !old.params.iter().any(|o| o.wire == p.wire))
        {
            let pat = format!("{at}.params[{}]", p.wire);
            if new.generations().any(|g| p.required_in(g)) {
                self.push(
                    Level::Major,
                    pat,
                    "added, required (a new argument of the method)",
                );
            } else {
                self.push(Level::Minor, pat, "added, optional (a new setter)");
            }
        }
    }

    fn param(&mut self, at: &str, old_ep: &Endpoint, old: &Param, new_ep: &Endpoint, new: &Param) {
        if old.ty != new.ty {
            self.push(
                Level::Major,
                at,
                format!("type {} became {}", old.ty, new.ty),
            );
        }
        if old.rust != new.rust {
            self.push(
                Level::Major,
                at,
                format!("Rust name {} became {}", old.rust, new.rust),
            );
        }
        let required = |ep: &Endpoint, spec: &Spec, p: &Param| -> Vec<String> {
            ep.generations()
                .filter(|g| p.required_in(*g))
                .map(|g| Self::gen_name(spec, g))
                .collect()
        };
        let (was, is) = (
            required(old_ep, self.old, old),
            required(new_ep, self.new, new),
        );
        if was != is {
            self.push(
                Level::Major,
                at,
                format!(
                    "required in [{}] became [{}] (method arguments change)",
                    was.join(", "),
                    is.join(", ")
                ),
            );
        }
        match (&old.presence, &new.presence) {
            (Presence::Defaulted(a), Presence::Defaulted(b)) if a != b => {
                self.push(Level::Minor, at, format!("default {a} became {b}"));
            }
            (Presence::Optional, Presence::Defaulted(_)) => {
                self.push(
                    Level::Major,
                    at,
                    "optional became defaulted (an Option field became a value)",
                );
            }
            (Presence::Defaulted(_), Presence::Optional) => {
                self.push(
                    Level::Major,
                    at,
                    "defaulted became optional (a value field became an Option)",
                );
            }
            _ => {}
        }
        let only = |spec: &Spec, p: &Param| p.only.map(|g| Self::gen_name(spec, g));
        let (was_only, is_only) = (only(self.old, old), only(self.new, new));
        if was_only != is_only {
            // Limited to one generation where it was in all: it leaves the others.
            let level = if is_only.is_some() {
                Level::Major
            } else {
                Level::Minor
            };
            self.push(
                level,
                at,
                format!("only in {was_only:?} became {is_only:?}"),
            );
        }
        if old.positional != new.positional {
            self.push(Level::Major, at, "positional on the command line changed");
        }
        let removed_alias = old.aliases.iter().any(|a| !new.aliases.contains(a));
        if removed_alias {
            self.push(Level::Major, at, "an alias servers accepted was removed");
        } else if old.aliases != new.aliases {
            self.push(Level::Minor, at, "aliases added");
        }
        if old.doc != new.doc || old.notes != new.notes || old.unit != new.unit {
            self.push(Level::Patch, at, "description changed");
        }
    }
}
