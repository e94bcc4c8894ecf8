//! Per operation: the client method, the request builder with its setters, `send` for each
//! protocol's call path, the error enum, and the paginator.

use std::fmt::Write as _;

use super::*;

impl<'a> Gen<'a> {
    /// The last statement of an operation's `send`: the output, or the output passed
    /// through its hand-written customization.
    pub(super) fn finish(&self, operation: &str) -> String {
        if self.config.customized.iter().any(|c| c == operation) {
            format!("crate::customize::{}(&input, output)", snake(operation))
        } else {
            "Ok(output)".to_owned()
        }
    }

    /// The body of a rest-xml operation's `send`, after the required-member checks.
    pub(super) fn render_rest_call(
        &self,
        out: &mut String,
        op: &crate::model::Operation,
        input: Option<&Shape>,
        output_shape: Option<&str>,
        host_prefix: &str,
    ) -> Result<(), String> {
        let name = &op.name;
        let shape_of = |r: Option<&str>| -> Result<String, String> {
            Ok(match r {
                Some(s) => format!("Some({})", self.shape_id(s)?),
                None => "None".to_owned(),
            })
        };
        let opt =
            |v: Option<&str>| v.map_or_else(|| "None".to_owned(), |v| format!("Some({})", lit(v)));
        let output = output_shape.map(|s| self.shape(s)).transpose()?;
        let in_payload = input.and_then(|s| s.payload.as_deref());
        let out_payload = output.and_then(|s| s.payload.as_deref());
        let in_stream = in_payload
            .and_then(|p| input.and_then(|s| s.members.get(p)))
            .filter(|m| self.is_streaming(m));
        let out_stream = out_payload
            .and_then(|p| output.and_then(|s| s.members.get(p)))
            .filter(|m| self.is_streaming(m));
        let namespace = in_payload
            .and_then(|p| input.and_then(|s| s.members.get(p)))
            .and_then(|m| {
                m.xml_namespace.as_ref().or_else(|| {
                    self.model
                        .shapes
                        .get(&m.shape)
                        .and_then(|t| t.xml_namespace.as_ref())
                })
            })
            .or_else(|| op.input.as_ref().and_then(|i| i.xml_namespace.as_ref()))
            .and_then(|n| n.uri());
        // The body's root: the input shape's own name (`locationName`), else the input
        // reference's, else the shape name; a structure payload's: the member's own wire
        // name, else its shape's, else the shape name (the protocol tests pin this order
        // down; S3's CompleteMultipartUpload relies on the member's name).
        let input_root = op.input.as_ref().map(|i| {
            input
                .and_then(|s| s.location_name.clone())
                .or_else(|| i.location_name.clone())
                .unwrap_or_else(|| i.shape.clone())
        });
        let payload_root = in_payload.and_then(|p| {
            let m = input.and_then(|s| s.members.get(p))?;
            // A `locationName` equal to the member name is ambiguous: the protocol test
            // suites carry one on every camelCase member (`nested`) without meaning a wire
            // name (they expect the shape's name), while S3 writes its real wire names that
            // way (`LifecycleConfiguration`, `LegalHold`, `Retention`: S3 rejects the shape
            // names). AWS models name members in PascalCase, so that case is kept.
            let own = m
                .location_name
                .clone()
                .filter(|n| n != p || p.starts_with(|c: char| c.is_ascii_uppercase()));
            Some(own.unwrap_or_else(|| {
                self.model
                    .shapes
                    .get(&m.shape)
                    .and_then(|t| t.location_name.clone())
                    .unwrap_or_else(|| m.shape.clone())
            }))
        });
        let mut context = Vec::new();
        if let Some(shape) = input {
            for (member_name, m) in &shape.members {
                if let Some(p) = &m.context_param {
                    context.push(format!("({}, {})", lit(&p.name), lit(member_name)));
                }
            }
        }
        let statics: Vec<String> = op
            .static_context_params
            .iter()
            .filter_map(|(k, v)| Some(format!("({}, {})", lit(k), v.get("value")?.as_bool()?)))
            .collect();
        let checksum_required = op.http_checksum_required
            || op
                .http_checksum
                .as_ref()
                .and_then(|c| c.get("requestChecksumRequired"))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
        let checksum = op.http_checksum.as_ref();
        let checksum_member = checksum
            .and_then(|c| c.get("requestAlgorithmMember"))
            .and_then(serde_json::Value::as_str);
        let validation_member = checksum
            .and_then(|c| c.get("requestValidationModeMember"))
            .and_then(serde_json::Value::as_str);
        let response_algorithms: Vec<String> = checksum
            .and_then(|c| c.get("responseAlgorithms"))
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().map(lit))
            .collect();
        // S3 may answer these with 200 and an error body.
        let errors_on_success = matches!(
            name.as_str(),
            "CopyObject" | "CompleteMultipartUpload" | "UploadPartCopy"
        );
        let bucket_in_endpoint = self.model.metadata.service_id.as_deref() == Some("S3");
        let _ = writeln!(
            out,
            "        let host_prefix = {host_prefix};\n        const OP: rt::RestOp = rt::RestOp {{ name: {}, method: {}, uri: {}, input: {}, output: {}, input_payload: {}, output_payload: {}, output_streaming: {}, input_root: {}, payload_root: {}, xml_namespace: {}, errors_on_success: {errors_on_success}, checksum_required: {checksum_required}, checksum_member: {}, validation_member: {}, response_algorithms: &[{}], context_params: &[{}], static_params: &[{}], bucket_in_endpoint: {bucket_in_endpoint} }};",
            lit(name),
            lit(&op.http.method),
            lit(&op.http.request_uri),
            shape_of(op.input.as_ref().map(|i| i.shape.as_str()))?,
            shape_of(output_shape)?,
            opt(in_payload),
            opt(out_payload),
            out_stream.is_some(),
            opt(input_root.as_deref()),
            opt(payload_root.as_deref()),
            opt(namespace),
            opt(checksum_member),
            opt(validation_member),
            response_algorithms.join(", "),
            context.join(", "),
            statics.join(", "),
        );
        let payload_field = in_stream.and(in_payload).map(snake);
        let payload = match &payload_field {
            Some(f) => format!("input.{f}.take().map(|b| b.take())"),
            None => "None".to_owned(),
        };
        let _ = writeln!(
            out,
            "        let payload = {payload};\n        #[allow(unused_mut)]\n        let (mut output, stream) = rt::rest_call(&self.client, &OP, super::schema::SHAPES, &input, payload, host_prefix).await?;"
        );
        match out_stream.and(out_payload) {
            Some(p) => {
                let _ = writeln!(
                    out,
                    "        let output: {0} = {{ let mut o: {0} = output; o.{1} = stream.map(rt::ByteStream::new); o }};\n        {2}\n    }}",
                    self.rust_type(output_shape.unwrap_or_default())?,
                    snake(p),
                    self.finish(name)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "        let _ = (&mut output, stream);\n        {}\n    }}",
                    self.finish(name)
                );
            }
        }
        Ok(())
    }

    /// Returns whether a paginator was generated.
    pub(super) fn render_operation(
        &self,
        out: &mut String,
        op: &crate::model::Operation,
        pager: Option<&Paginator>,
        skipped: &mut Vec<String>,
    ) -> Result<bool, String> {
        let name = &op.name;
        let method = snake(name);
        let builder = self.free_name(format!("{name}Call"));
        let error = self.free_name(format!("{name}Error"));
        let target = format!(
            "{}.{name}",
            self.model
                .metadata
                .target_prefix
                .as_deref()
                .unwrap_or_default()
        );
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
        let deprecated = if op.deprecated { "#[deprecated]\n" } else { "" };
        let doc_link = self
            .model
            .metadata
            .uid
            .as_deref()
            .map(|uid| {
                format!(
                    "\n/// [API reference](https://docs.aws.amazon.com/goto/WebAPI/{uid}/{name})"
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

        // Calls behind resource actions carry what their `send` needs to build a resource.
        let generic = self.config.returning.iter().any(|r| r == name);
        let ret_init = if generic { ", ret: ()" } else { "" };
        // The client method.
        let _ = writeln!(
            out,
            "impl crate::{client} {{\n    /// `{name}` (`{m} {uri}`). Required members: {required_doc}.{link}\n    {deprecated}pub fn {method}(&self) -> {builder} {{\n        {builder} {{ client: self.client.clone(), input: Default::default(){ret_init} }}\n    }}\n}}\n",
            client = self.config.client_type,
            m = op.http.method,
            uri = op.http.request_uri,
            link = doc_link.replace('\n', "\n    "),
        );

        // The request builder.
        if generic {
            let _ = writeln!(
                out,
                "/// A `{name}` call being set up: set members, then [`send`]({builder}::send). `R` is\n/// `()` for a plain call; a resource action sets it to the resource that made the call, and\n/// its `send` returns the resource the model names.\n#[derive(Debug, Clone)]\n#[must_use]\npub struct {builder}<R = ()> {{\n    client: Client,\n    input: {input_ty},\n    ret: R,\n}}\n\nimpl<R> {builder}<R> {{\n    /// The same call, made for `ret`.\n    pub(crate) fn returning<T>(self, ret: T) -> {builder}<T> {{\n        {builder} {{ client: self.client, input: self.input, ret }}\n    }}\n\n    /// The plain call, and what it was made for.\n    pub(crate) fn into_plain(self) -> ({builder}, R) {{\n        ({builder} {{ client: self.client, input: self.input, ret: () }}, self.ret)\n    }}\n"
            );
        } else {
            let _ = writeln!(
                out,
                "/// A `{name}` call being set up: set members, then [`send`]({builder}::send).\n#[derive(Debug, Clone)]\n#[must_use]\npub struct {builder} {{\n    client: Client,\n    input: {input_ty},\n}}\n\nimpl {builder} {{"
            );
        }
        if let Some(shape) = input {
            for (member_name, member) in &shape.members {
                let field = snake(member_name);
                let setter = field.clone();
                let ty = if self.is_streaming(member) {
                    "rt::ByteStream".to_owned()
                } else {
                    self.field_type(input_shape.unwrap_or_default(), member_name, member)?
                };
                let (arg, value) = match ty.strip_prefix("Box<").and_then(|t| t.strip_suffix('>')) {
                    Some(inner) => (
                        format!("impl Into<{inner}>"),
                        "Box::new(value.into())".to_owned(),
                    ),
                    None => (format!("impl Into<{ty}>"), "value.into()".to_owned()),
                };
                let dep = if member.deprecated {
                    "    #[deprecated]\n    #[allow(deprecated)]\n"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "    /// Sets `{member_name}`.\n{dep}    pub fn {setter}(mut self, value: {arg}) -> Self {{\n        self.input.{field} = Some({value});\n        self\n    }}\n"
                );
            }
        }
        let _ = writeln!(
            out,
            "    /// The input as set so far.\n    pub fn as_input(&self) -> &{input_ty} {{\n        &self.input\n    }}\n\n    /// Replaces the whole input.\n    pub fn set_input(mut self, input: {input_ty}) -> Self {{\n        self.input = input;\n        self\n    }}\n"
        );
        if generic {
            let _ = writeln!(out, "}}\n\nimpl {builder} {{");
        }
        let _ = writeln!(
            out,
            "    /// Sends the call.\n    ///\n    /// # Errors\n    /// A required member left unset (nothing is sent), the service's error as [`{error}`], or a stack error.\n    pub async fn send(self) -> Result<{output_ty}, OperationError<{error}>> {{"
        );
        let needs_mut = input.is_some_and(|s| {
            s.members
                .values()
                .any(|m| m.idempotency_token || self.is_streaming(m))
        });
        let _ = writeln!(
            out,
            "        let {}input = self.input;",
            if needs_mut { "mut " } else { "" }
        );
        if let Some(shape) = input {
            for r in &required {
                if shape.members.contains_key(r.as_str()) {
                    let _ = writeln!(
                        out,
                        "        if input.{}.is_none() {{\n            return Err(rt::missing_member({}, {}).into());\n        }}",
                        snake(r),
                        lit(name),
                        lit(r)
                    );
                }
            }
            for (member_name, member) in &shape.members {
                if member.idempotency_token {
                    let f = snake(member_name);
                    let _ = writeln!(
                        out,
                        "        if input.{f}.is_none() {{\n            input.{f} = Some(rt::idempotency_token());\n        }}"
                    );
                }
            }
        }
        let host_prefix = match &op.endpoint {
            None => "None".to_owned(),
            Some(e) => {
                let mut args = Vec::new();
                let mut template = String::new();
                let mut rest = e.host_prefix.as_str();
                while let Some(open) = rest.find('{') {
                    template.push_str(&rest[..open]);
                    let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| {
                        format!("{name}: unclosed label in host prefix {:?}", e.host_prefix)
                    })?;
                    let label = &rest[open + 1..close];
                    template.push_str("{}");
                    args.push(format!(
                        "rt::host_label({}, {}, input.{}.as_deref())?",
                        lit(name),
                        lit(label),
                        snake(label)
                    ));
                    rest = &rest[close + 1..];
                }
                template.push_str(rest);
                if args.is_empty() {
                    format!("Some({}.to_owned())", lit(&template))
                } else {
                    format!("Some(format!({}, {}))", lit(&template), args.join(", "))
                }
            }
        };
        if self.is_rest_xml() {
            self.render_rest_call(out, op, input, output_shape, &host_prefix)?;
        } else if self.is_query() {
            let shape_of = |r: Option<&str>| -> Result<String, String> {
                Ok(match r {
                    Some(s) => format!("Some({})", self.shape_id(s)?),
                    None => "None".to_owned(),
                })
            };
            let wrapper = op
                .output
                .as_ref()
                .and_then(|o| o.result_wrapper.as_deref())
                .map_or_else(|| "None".to_owned(), |w| format!("Some({})", lit(w)));
            let _ = writeln!(
                out,
                "        let host_prefix = {host_prefix};\n        const OP: rt::QueryOp = rt::QueryOp {{ name: {}, input: {}, output: {}, result_wrapper: {wrapper} }};\n        let output = rt::query_call(&self.client, &OP, super::schema::SHAPES, &input, host_prefix).await?;\n        {}\n    }}",
                lit(name),
                shape_of(input_shape)?,
                shape_of(output_shape)?,
                self.finish(name)
            );
        } else {
            let _ = writeln!(
                out,
                "        let host_prefix = {host_prefix};\n        let output = rt::json_call(&self.client, {}, {}, &input, host_prefix).await?;\n        {}\n    }}",
                lit(name),
                lit(&target),
                self.finish(name)
            );
        }

        let paged = match (pager, output_shape) {
            (Some(p), Some(out_shape)) => {
                match self.render_paginator(
                    out,
                    op,
                    p,
                    input_shape,
                    out_shape,
                    &output_ty,
                    &error,
                )? {
                    Ok(()) => true,
                    Err(reason) => {
                        skipped.push(format!("paginator {name}: {reason}"));
                        false
                    }
                }
            }
            _ => false,
        };
        let _ = writeln!(out, "}}\n");

        // The error enum.
        let _ = writeln!(
            out,
            "/// The errors `{name}` is modeled to return, and any other the service sends.\n#[derive(Debug)]\n#[non_exhaustive]\npub enum {error} {{"
        );
        let mut variants = Vec::new();
        for e in &op.errors {
            let ty = self.rust_type(&e.shape)?;
            let _ = writeln!(out, "    /// `{}`\n    {ty}({ty}),", e.shape);
            variants.push((e.shape.clone(), ty));
        }
        let _ = writeln!(
            out,
            "    /// An error the model does not list for this operation.\n    Unhandled(ServiceError),\n}}\n"
        );
        let _ = writeln!(
            out,
            "impl rt::ModeledError for {error} {{\n    fn from_service_error(service: ServiceError) -> Self {{\n        match service.code() {{"
        );
        for (code, ty) in &variants {
            let parse = if self.is_query() {
                format!(
                    "rt::parse_xml_error(super::schema::SHAPES, {}, &service)",
                    self.shape_id(code)?
                )
            } else {
                "rt::parse_lenient(service.body())".to_owned()
            };
            let _ = writeln!(
                out,
                "            Some({}) => Self::{ty}({ty} {{ meta: service.clone(), ..{parse} }}),",
                lit(code)
            );
            // A modeled error may carry its own code (`error.code` in the model).
            if let Some(custom) = self
                .model
                .shapes
                .get(code.as_str())
                .and_then(|s| s.error_code())
                .filter(|c| c != code)
            {
                let _ = writeln!(
                    out,
                    "            Some({}) => Self::{ty}({ty} {{ meta: service.clone(), ..{parse} }}),",
                    lit(custom)
                );
            }
        }
        let _ = writeln!(
            out,
            "            _ => Self::Unhandled(service),\n        }}\n    }}\n\n    fn service_error(&self) -> &ServiceError {{\n        match self {{"
        );
        for (_, ty) in &variants {
            let _ = writeln!(out, "            Self::{ty}(e) => &e.meta,");
        }
        let _ = writeln!(
            out,
            "            Self::Unhandled(e) => e,\n        }}\n    }}\n}}\n\nimpl std::fmt::Display for {error} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        std::fmt::Display::fmt(self.service_error(), f)\n    }}\n}}\n\nimpl std::error::Error for {error} {{}}\n"
        );
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
        let ret_init = if self.config.returning.contains(&op.name) {
            ", ret: ()"
        } else {
            ""
        };
        let limit = p
            .limit_key
            .as_deref()
            .map(|k| format!(" The page size is set with `{k}`."))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n    /// Every page of the results, as a stream: pass `{in_tok}` from each page's `{out_tok}`.{limit}\n    pub fn into_paginator(self) -> rt::Paginator<{output_ty}, {error}, {item_ty}> {{\n        let client = self.client;\n        rt::Paginator::new(\n            self.input,\n            {set_token},\n            |output: &{output_ty}| {next},\n            move |input| {{\n                let call = {builder} {{ client: client.clone(), input{ret_init} }};\n                Box::pin(call.send())\n            }},\n            {items_fn},\n        )\n    }}"
        );
        Ok(Ok(()))
    }
}
