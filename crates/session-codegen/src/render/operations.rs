//! Per operation: the client method, the request builder (the runtime's `call_type!`),
//! `send` (`send_fn!`), the paginator, and the error enum (`modeled_errors!`).

use std::fmt::Write as _;

use super::*;

impl<'a> Gen<'a> {
    /// The payload member of `shape` when it streams (a blob or an event stream).
    fn streaming_payload(&self, shape: Option<&str>) -> Option<String> {
        let shape = self.model.shapes.get(shape?)?;
        let payload = shape.payload.as_deref()?;
        let member = shape.members.get(payload)?;
        self.is_streaming(member).then(|| snake(payload))
    }

    /// Writes an operation: its client method (into `methods`), its request builder, its
    /// `send`, its paginator and its error enum. Returns whether a paginator was generated.
    pub(super) fn render_operation(
        &self,
        out: &mut String,
        methods: &mut String,
        op: &crate::model::Operation,
        pager: Option<&Paginator>,
        skipped: &mut Vec<String>,
    ) -> Result<bool, String> {
        let name = &op.name;
        let method = snake(name);
        let builder = self.free_name(format!("{name}Call"));
        let error = self.free_name(format!("{name}Error"));
        let tables = &self.config.tables_path;
        let input_shape = op.input.as_ref().map(|r| r.shape.as_str());
        let output_shape = op.output.as_ref().map(|r| r.shape.as_str());
        let input_ty = match input_shape {
            Some(s) => self.rust_type(s)?,
            None => "rt::Empty".to_owned(),
        };
        let output_ty = match output_shape {
            Some(s) => self.rust_type(s)?,
            None => "rt::Empty".to_owned(),
        };
        let input = input_shape.map(|s| self.shape(s)).transpose()?;
        let required: Vec<&String> = input
            .map(|s| s.required.iter().collect())
            .unwrap_or_default();
        let deprecated = if op.deprecated {
            "#[deprecated]\n    "
        } else {
            ""
        };
        let doc_link = self
            .model
            .metadata
            .uid
            .as_deref()
            .map(|uid| {
                format!(
                    "\n    /// [API reference](https://docs.aws.amazon.com/goto/WebAPI/{uid}/{name})"
                )
            })
            .unwrap_or_default();
        let required_doc = if required.is_empty() {
            "none".to_owned()
        } else {
            required
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            methods,
            "    /// `{name}` (`{m} {uri}`). Required members: {required_doc}.{doc_link}\n    {deprecated}pub fn {method}(&self) -> {builder} {{\n        {builder}::new(self.client.clone())\n    }}\n",
            m = op.http.method,
            uri = op.http.request_uri,
        );

        // The request builder: the runtime's macro writes the struct and a setter per
        // member; calls behind resource actions that return resources take a parameter.
        let returning = if self.config.returning.iter().any(|r| r == name) {
            "returning "
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "rt::call_type! {{\n    {returning}/// A `{name}` call being set up: set members, then [`send`]({builder}::send).\n    {builder}({input_ty}) {{"
        );
        if let Some(shape) = input {
            for (member_name, member) in &shape.members {
                let field = snake(member_name);
                let ty = if self.is_streaming(member) {
                    "rt::ByteStream".to_owned()
                } else {
                    self.field_type(input_shape.unwrap_or_default(), member_name, member)?
                };
                let (kind, ty) = match ty.strip_prefix("Box<").and_then(|t| t.strip_suffix('>')) {
                    Some(inner) => ("boxed", inner.to_owned()),
                    None => ("set", ty),
                };
                let attrs = if member.deprecated {
                    "#[deprecated] #[allow(deprecated)] "
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "        {attrs}{kind} {field}: {ty} = {};",
                    lit(member_name)
                );
            }
        }
        let _ = writeln!(out, "    }}\n}}\n");

        // `send`: the tables do the rest.
        let mut spec = format!(
            "{builder}({tables}::SERVICE, {}) -> {output_ty}, {error}",
            self.operation_index(name)?
        );
        if let Some(field) = self.streaming_payload(input_shape) {
            let _ = write!(spec, "; in {field}");
        }
        if let Some(field) = self.streaming_payload(output_shape) {
            let _ = write!(spec, "; out {field}");
        }
        if self.config.customized.iter().any(|c| c == name) {
            let _ = write!(spec, "; then crate::customize::{method}");
        }
        let _ = writeln!(out, "rt::send_fn!({spec});\n");

        let paged = match (pager, output_shape) {
            (Some(p), Some(out_shape)) => {
                let mut text = String::new();
                match self.render_paginator(
                    &mut text,
                    op,
                    p,
                    input_shape,
                    out_shape,
                    &output_ty,
                    &error,
                )? {
                    Ok(()) => {
                        let _ = writeln!(out, "impl {builder} {{{text}\n}}\n");
                        true
                    }
                    Err(reason) => {
                        skipped.push(format!("paginator {name}: {reason}"));
                        false
                    }
                }
            }
            _ => false,
        };

        // The error enum.
        let _ = writeln!(
            out,
            "rt::modeled_errors! {{\n    /// The errors `{name}` is modeled to return, and any other the service sends.\n    {error}({tables}::SERVICE) {{"
        );
        for e in &op.errors {
            let _ = writeln!(
                out,
                "        {} = {},",
                self.rust_type(&e.shape)?,
                self.shape_id(&e.shape)?
            );
        }
        let _ = writeln!(out, "    }}\n}}\n");
        Ok(paged)
    }

    /// The paginator of an operation, or why it is left out.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn render_paginator(
        &self,
        out: &mut String,
        op: &crate::model::Operation,
        p: &Paginator,
        input_shape: Option<&str>,
        output_shape: &str,
        output_ty: &str,
        error: &str,
    ) -> Result<Result<(), String>, String> {
        // Tokens: one, or several passed together (S3's KeyMarker + VersionIdMarker).
        let tokens = |v: &serde_json::Value| -> Vec<String> {
            match v {
                serde_json::Value::String(t) => vec![t.clone()],
                serde_json::Value::Array(ts) => ts
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let (in_toks, out_toks) = (tokens(&p.input_token), tokens(&p.output_token));
        if in_toks.is_empty() || in_toks.len() != out_toks.len() {
            return Ok(Err("input and output tokens do not pair up".into()));
        }
        let (in_tok, out_tok) = (in_toks.join(", "), out_toks.join(", "));
        let Some(input_shape) = input_shape else {
            return Ok(Err("no input".into()));
        };
        let input = self.shape(input_shape)?;
        let output = self.shape(output_shape)?;
        let find = |shape: &'a Shape, wanted: &str| -> Option<(&'a String, &'a Member)> {
            shape
                .members
                .iter()
                .find(|(n, _)| n.as_str() == wanted)
                .or_else(|| {
                    shape
                        .members
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(wanted))
                })
        };
        // Per token: the input field, and the expression reading the next value.
        let mut in_fields = Vec::new();
        let mut nexts = Vec::new();
        for (in_t, out_t) in in_toks.iter().zip(&out_toks) {
            // `A || B[-1].C` (S3 ListObjects): the next token is `A`, else the last item's `C`.
            let (out_t, fallback) = match out_t.split_once(" || ") {
                Some((first, rest)) => {
                    let parsed = rest.split_once("[-1].").filter(|(list, field)| {
                        !list.contains(['.', '[']) && !field.contains(['.', '['])
                    });
                    match parsed {
                        Some(pair) => (first, Some(pair)),
                        None => return Ok(Err(format!("an output token expression {out_t:?}"))),
                    }
                }
                None => (out_t.as_str(), None),
            };
            if out_t.contains('.') {
                return Ok(Err("a nested output token".into()));
            }
            let Some((in_name, in_member)) = find(input, in_t) else {
                return Ok(Err(format!("no input member {in_t}")));
            };
            let Some((out_name, out_member)) = find(output, out_t) else {
                return Ok(Err(format!("no output member {out_t}")));
            };
            let in_ty = self.rust_type(&in_member.shape)?;
            let out_ty = self.rust_type(&out_member.shape)?;
            if in_ty != out_ty {
                return Ok(Err(format!("token types differ ({in_ty} vs {out_ty})")));
            }
            let mut next = format!("output.{}.clone()", snake(out_name));
            if let Some((list, field)) = fallback {
                let Some((list_name, _)) = find(output, list) else {
                    return Ok(Err(format!("no output member {list}")));
                };
                next = format!(
                    "{next}.or_else(|| output.{}.as_ref().and_then(|v| v.last()).and_then(|i| i.{}.clone()))",
                    snake(list_name),
                    snake(field)
                );
            }
            in_fields.push(snake(in_name));
            nexts.push(next);
        }
        // Items: the first result key that is a list; otherwise each page is one item.
        let result_key = match &p.result_key {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Array(keys)) => {
                keys.first().and_then(|k| k.as_str()).map(str::to_owned)
            }
            _ => None,
        };
        let items = result_key
            .as_deref()
            .and_then(|k| find(output, k))
            .and_then(|(n, m)| {
                let ty = self.rust_type(&m.shape).ok()?;
                let inner = ty.strip_prefix("Vec<")?.strip_suffix('>')?.to_owned();
                Some((snake(n), inner))
            });
        let (items_fn, item_ty) = match &items {
            Some((field, inner)) => (format!("|o| o.{field}.unwrap_or_default()"), inner.clone()),
            None => ("|o| vec![o]".to_owned(), output_ty.to_owned()),
        };
        // Several tokens travel as a tuple: the next page exists while any is set.
        let (set_token, mut next) = if in_fields.len() == 1 {
            (
                format!("|input, token| input.{} = token", in_fields[0]),
                nexts[0].clone(),
            )
        } else {
            let names: Vec<String> = (0..in_fields.len()).map(|i| format!("t{i}")).collect();
            let sets: String = in_fields
                .iter()
                .zip(&names)
                .map(|(f, n)| format!("input.{f} = {n}; "))
                .collect();
            (
                format!(
                    "|input, token| if let Some(({})) = token {{ {sets}}}",
                    names.join(", ")
                ),
                format!(
                    "{{ let next = ({}); if {} {{ None }} else {{ Some(next) }} }}",
                    nexts.join(", "),
                    (0..nexts.len())
                        .map(|i| format!("next.{i}.is_none()"))
                        .collect::<Vec<_>>()
                        .join(" && ")
                ),
            )
        };
        // Where the model says which member tells whether more pages follow, trust it.
        if let Some((mr, _)) = p.more_results.as_deref().and_then(|m| find(output, m)) {
            next = format!(
                "if output.{} == Some(true) {{ {next} }} else {{ None }}",
                snake(mr)
            );
        }
        let builder = self.free_name(format!("{}Call", op.name));
        let limit = p
            .limit_key
            .as_deref()
            .map(|k| format!(" The page size is set with `{k}`."))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n    /// Every page of the results, as a stream: pass `{in_tok}` from each page's `{out_tok}`.{limit}\n    pub fn into_paginator(self) -> rt::Paginator<{output_ty}, {error}, {item_ty}> {{\n        let client = self.client;\n        rt::Paginator::new(\n            self.input,\n            {set_token},\n            |output: &{output_ty}| {next},\n            move |input| Box::pin({builder}::new(client.clone()).set_input(input).send()),\n            {items_fn},\n        )\n    }}"
        );
        Ok(Ok(()))
    }
}
