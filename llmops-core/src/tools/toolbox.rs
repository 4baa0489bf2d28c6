//! [`Toolbox`]: the tools an application offers, by name.

use std::collections::HashMap;
use std::sync::Arc;

use crate::tool::Tool;
use crate::types::ToolSpec;
use crate::{Error, Result};

use super::typed::check_tool_name;

/// Tools by name, in the order added. Names are unique: adding a second tool of the same
/// name is an error, never a silent replacement.
///
/// ```
/// use llmops_core::{tool_fn, Toolbox, ToolCx};
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Query { q: String }
/// let search = tool_fn("search", "Search the docs", |a: Query, _cx: ToolCx| async move { Ok(a.q) })?;
/// let again = tool_fn("search", "Another search", |a: Query, _cx: ToolCx| async move { Ok(a.q) })?;
/// let mut tools = Toolbox::new().with(search)?;
/// assert_eq!(tools.specs()[0].name, "search");
/// assert!(tools.add(again).is_err());
/// # Ok::<(), llmops_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Toolbox {
    tools: Vec<Arc<dyn Tool>>,
    by_name: HashMap<String, usize>,
}

impl std::fmt::Debug for Toolbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Toolbox")
            .field("tools", &self.names().collect::<Vec<_>>())
            .finish()
    }
}

impl Toolbox {
    /// An empty toolbox.
    pub fn new() -> Self {
        Toolbox::default()
    }

    /// With `tool` added (see [`add`](Toolbox::add)).
    pub fn with(mut self, tool: impl Tool) -> Result<Self> {
        self.add(tool)?;
        Ok(self)
    }

    /// Adds a tool. Errors ([`Error::Config`]): a name already in the toolbox, or one that
    /// providers reject.
    pub fn add(&mut self, tool: impl Tool) -> Result<()> {
        self.add_arc(Arc::new(tool))
    }

    /// Adds a shared tool (errors as [`add`](Toolbox::add)).
    pub fn add_arc(&mut self, tool: Arc<dyn Tool>) -> Result<()> {
        let name = tool.spec().name.clone();
        check_tool_name(&name)?;
        if self.by_name.contains_key(&name) {
            return Err(Error::config(format!(
                "the toolbox already has a tool named `{name}`"
            )));
        }
        self.by_name.insert(name, self.tools.len());
        self.tools.push(tool);
        Ok(())
    }

    /// The tool named `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Tool>> {
        self.by_name.get(name).and_then(|&i| self.tools.get(i))
    }

    /// Whether a tool of that name is in the toolbox.
    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// The tools' definitions, in the order added (what a request's `tools` carries).
    pub fn specs(&self) -> Vec<ToolSpec> {
        self.tools.iter().map(|t| t.spec().clone()).collect()
    }

    /// The tools' names, in the order added.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tools.iter().map(|t| t.spec().name.as_str())
    }

    /// The tools, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Tool>> {
        self.tools.iter()
    }

    /// How many tools.
    pub fn len(&self) -> usize {
        self.tools.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::tool::ToolCx;

    struct Raw(ToolSpec);

    #[async_trait::async_trait]
    impl Tool for Raw {
        fn spec(&self) -> &ToolSpec {
            &self.0
        }
        async fn call(&self, _args: Value, _cx: &ToolCx) -> Result<Value> {
            Ok(Value::Null)
        }
    }

    fn raw(name: &str) -> Raw {
        Raw(ToolSpec::new(name, "d", json!({"type": "object"})))
    }

    #[test]
    fn tools_keep_their_order_and_names_are_unique() {
        let mut b = Toolbox::new()
            .with(raw("b"))
            .unwrap()
            .with(raw("a"))
            .unwrap();
        assert_eq!(b.names().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(b.len(), 2);
        let e = b.add(raw("a")).unwrap_err();
        assert!(matches!(e, Error::Config(_)));
        assert!(
            e.to_string().contains("already has a tool named `a`"),
            "{e}"
        );
        assert_eq!(b.len(), 2, "a refused tool is not added");
        assert!(b.get("a").is_some() && b.contains("b") && b.get("c").is_none());
        assert_eq!(b.specs()[1].name, "a");
    }

    #[test]
    fn hand_written_tools_with_bad_names_are_refused() {
        assert!(Toolbox::new().with(raw("no spaces")).is_err());
        assert!(Toolbox::new().is_empty());
    }
}
