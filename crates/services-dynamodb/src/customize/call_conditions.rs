//! `key_condition`, `filter` and `condition` on the generated request builders: render a
//! [`Condition`]/[`KeyCondition`] into the request beside what it already holds.
//!
//! The request's own maps are the placeholder counter: rendering starts from its
//! `ExpressionAttributeNames`/`Values` and reserves every placeholder its other
//! expressions mention, so a projection, a key condition and a filter never share a
//! placeholder by accident, in whatever order they are set.

use std::collections::HashMap;

use crate::conditions::{Condition, Expressions, KeyCondition};
use crate::operations::{DeleteItemCall, PutItemCall, QueryCall, ScanCall, UpdateItemCall};
use crate::types::AttributeValue;

/// How a new clause joins an expression already set.
#[derive(Clone, Copy)]
enum Join {
    /// `(old) AND (new)`: conditions may hold `OR`.
    Grouped,
    /// `old AND new`: key conditions are only `AND`s of single tests.
    Plain,
}

/// One expression member of a request and the members around it.
struct Clause<'a> {
    target: &'a mut Option<String>,
    names: &'a mut Option<HashMap<String, String>>,
    values: &'a mut Option<HashMap<String, AttributeValue>>,
    others: [Option<&'a str>; 2],
}

impl Clause<'_> {
    fn add(self, join: Join, render: impl FnOnce(&mut Expressions) -> String) {
        let mut ex = Expressions::with_maps(
            self.names.take().unwrap_or_default(),
            self.values.take().unwrap_or_default(),
        );
        for text in self.others.into_iter().flatten() {
            ex.reserve(text);
        }
        if let Some(old) = self.target.as_deref() {
            ex.reserve(old);
        }
        let new = render(&mut ex);
        *self.target = Some(match (self.target.take(), join) {
            (Some(old), _) if old.trim().is_empty() => new,
            (None, _) => new,
            (Some(old), Join::Grouped) => format!("({old}) AND ({new})"),
            (Some(old), Join::Plain) => format!("{old} AND {new}"),
        });
        // DynamoDB refuses an empty map, so an empty one stays unset.
        let (names, values) = ex.into_maps();
        *self.names = (!names.is_empty()).then_some(names);
        *self.values = (!values.is_empty()).then_some(values);
    }
}

impl QueryCall {
    /// Sets `KeyConditionExpression` from `condition`, with its placeholders added to
    /// `ExpressionAttributeNames`/`Values`. Called again, the tests are joined with `AND`.
    ///
    /// Set hand-written `expression_attribute_names`/`_values` before this: those setters
    /// replace the whole map, dropping the placeholders added here.
    ///
    /// ```no_run
    /// # async fn demo(table: services_dynamodb::resources::Table) -> Result<(), Box<dyn std::error::Error>> {
    /// use services_dynamodb::conditions::{attr, key};
    ///
    /// let page = table
    ///     .query()
    ///     .key_condition(key("pk").eq("user#1") & key("sk").begins_with("order#"))
    ///     .filter(attr("total").gt(100))
    ///     .send()
    ///     .await?;
    /// println!("{:?}", page.items);
    /// # Ok(()) }
    /// ```
    pub fn key_condition(self, condition: KeyCondition) -> Self {
        let mut input = self.as_input().clone();
        Clause {
            target: &mut input.key_condition_expression,
            names: &mut input.expression_attribute_names,
            values: &mut input.expression_attribute_values,
            others: [
                input.filter_expression.as_deref(),
                input.projection_expression.as_deref(),
            ],
        }
        .add(Join::Plain, |ex| ex.key_condition(&condition));
        self.set_input(input)
    }

    /// Sets `FilterExpression` from `condition` (applied after the key condition, to the
    /// items read). Called again, the conditions are joined with `AND`. See
    /// [`key_condition`](Self::key_condition) for the order of setters.
    pub fn filter(self, condition: Condition) -> Self {
        let mut input = self.as_input().clone();
        Clause {
            target: &mut input.filter_expression,
            names: &mut input.expression_attribute_names,
            values: &mut input.expression_attribute_values,
            others: [
                input.key_condition_expression.as_deref(),
                input.projection_expression.as_deref(),
            ],
        }
        .add(Join::Grouped, |ex| ex.condition(&condition));
        self.set_input(input)
    }
}

impl ScanCall {
    /// Sets `FilterExpression` from `condition`, with its placeholders added to
    /// `ExpressionAttributeNames`/`Values`. Called again, the conditions are joined with
    /// `AND`. Set hand-written `expression_attribute_names`/`_values` before this: those
    /// setters replace the whole map.
    ///
    /// ```no_run
    /// # async fn demo(table: services_dynamodb::resources::Table) -> Result<(), Box<dyn std::error::Error>> {
    /// use services_dynamodb::conditions::attr;
    ///
    /// let page = table.scan().filter(attr("tags").contains("red")).send().await?;
    /// # let _ = page;
    /// # Ok(()) }
    /// ```
    pub fn filter(self, condition: Condition) -> Self {
        let mut input = self.as_input().clone();
        Clause {
            target: &mut input.filter_expression,
            names: &mut input.expression_attribute_names,
            values: &mut input.expression_attribute_values,
            others: [input.projection_expression.as_deref(), None],
        }
        .add(Join::Grouped, |ex| ex.condition(&condition));
        self.set_input(input)
    }
}

impl PutItemCall {
    /// Sets `ConditionExpression`: the put happens only if `condition` holds for the item
    /// stored now, else the call fails with `ConditionalCheckFailedException`. Called again,
    /// the conditions are joined with `AND`. Set hand-written
    /// `expression_attribute_names`/`_values` before this: those setters replace the
    /// whole map.
    ///
    /// ```no_run
    /// # async fn demo(table: services_dynamodb::resources::Table) -> Result<(), Box<dyn std::error::Error>> {
    /// use services_dynamodb::conditions::attr;
    /// use services_dynamodb::types::AttributeValue;
    ///
    /// // Create only: fails if an item with this key exists.
    /// table
    ///     .put_item()
    ///     .item([("pk".to_owned(), AttributeValue::s("user#1"))])
    ///     .condition(attr("pk").not_exists())
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn condition(self, condition: impl Into<Condition>) -> Self {
        let condition = condition.into();
        let mut input = self.as_input().clone();
        Clause {
            target: &mut input.condition_expression,
            names: &mut input.expression_attribute_names,
            values: &mut input.expression_attribute_values,
            others: [None, None],
        }
        .add(Join::Grouped, |ex| ex.condition(&condition));
        self.set_input(input)
    }
}

impl DeleteItemCall {
    /// Sets `ConditionExpression`: the delete happens only if `condition` holds, else the
    /// call fails with `ConditionalCheckFailedException`. Called again, the conditions are
    /// joined with `AND`. See [`PutItemCall::condition`] for the order of setters.
    pub fn condition(self, condition: impl Into<Condition>) -> Self {
        let condition = condition.into();
        let mut input = self.as_input().clone();
        Clause {
            target: &mut input.condition_expression,
            names: &mut input.expression_attribute_names,
            values: &mut input.expression_attribute_values,
            others: [None, None],
        }
        .add(Join::Grouped, |ex| ex.condition(&condition));
        self.set_input(input)
    }
}

impl UpdateItemCall {
    /// Sets `ConditionExpression`: the update happens only if `condition` holds, else the
    /// call fails with `ConditionalCheckFailedException`. Placeholders in an
    /// `UpdateExpression` already set are left alone; set it and its maps before this.
    pub fn condition(self, condition: impl Into<Condition>) -> Self {
        let condition = condition.into();
        let mut input = self.as_input().clone();
        Clause {
            target: &mut input.condition_expression,
            names: &mut input.expression_attribute_names,
            values: &mut input.expression_attribute_values,
            others: [input.update_expression.as_deref(), None],
        }
        .add(Join::Grouped, |ex| ex.condition(&condition));
        self.set_input(input)
    }
}
