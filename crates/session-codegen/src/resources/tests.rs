//! The resource generator over a small made-up service that has every element kind the
//! real models use (and a few it must refuse with a reason).

use std::collections::BTreeSet;

use serde_json::json;

use super::render_resources;
use crate::model::{Model, Paginators};
use crate::waiters::Waiters;

fn model() -> Model {
    serde_json::from_value(json!({
        "metadata": {"protocol": "json", "targetPrefix": "Library"},
        "operations": {
            "GetShelf": {"name": "GetShelf", "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "ShelfRequest"}, "output": {"shape": "Shelf"}},
            "MakeShelf": {"name": "MakeShelf", "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "MakeShelfRequest"}, "output": {"shape": "MakeShelfOutput"}},
            "ListBooks": {"name": "ListBooks", "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "ListBooksRequest"}, "output": {"shape": "ListBooksOutput"}},
            "DeleteObjects": {"name": "DeleteObjects", "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "DeleteBooksRequest"}, "output": {"shape": "DeleteBooksOutput"}},
            "ReadPage": {"name": "ReadPage", "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "ReadPageRequest"}}
        },
        "shapes": {
            "String": {"type": "string"},
            "Integer": {"type": "integer"},
            "Status": {"type": "string", "enum": ["On", "Off"]},
            "Shelf": {"type": "structure", "members": {
                "Name": {"shape": "String"}, "Owner": {"shape": "String"},
                "Books": {"shape": "BookList"}}},
            "Book": {"type": "structure", "members": {
                "Id": {"shape": "String"}, "Page": {"shape": "Integer"}, "Title": {"shape": "String"}}},
            "BookList": {"type": "list", "member": {"shape": "Book"}},
            "Config": {"type": "structure", "members": {"Status": {"shape": "Status"}}},
            "ShelfRequest": {"type": "structure", "members": {"ShelfName": {"shape": "String"}}},
            "MakeShelfRequest": {"type": "structure", "members": {
                "ShelfName": {"shape": "String"}, "Config": {"shape": "Config"}}},
            "MakeShelfOutput": {"type": "structure", "members": {"Shelf": {"shape": "Shelf"}}},
            "ListBooksRequest": {"type": "structure", "members": {
                "ShelfName": {"shape": "String"}, "Marker": {"shape": "String"}}},
            "ListBooksOutput": {"type": "structure", "members": {
                "Books": {"shape": "BookList"}, "NextMarker": {"shape": "String"}}},
            "BookRef": {"type": "structure", "members": {
                "Id": {"shape": "String"}, "Page": {"shape": "Integer"}}},
            "BookRefs": {"type": "list", "member": {"shape": "BookRef"}},
            "DeleteSpec": {"type": "structure", "members": {"Items": {"shape": "BookRefs"}}},
            "DeleteBooksRequest": {"type": "structure", "members": {
                "ShelfName": {"shape": "String"}, "Delete": {"shape": "DeleteSpec"}}},
            "DeleteBooksOutput": {"type": "structure", "members": {"Errors": {"shape": "BookRefs"}}},
            "ReadPageRequest": {"type": "structure", "members": {
                "ShelfName": {"shape": "String"}, "BookId": {"shape": "String"},
                "Page": {"shape": "Integer"}}}
        }
    }))
    .unwrap()
}

fn resources() -> serde_json::Value {
    json!({
        "service": {
            "actions": {
                "CreateShelf": {
                    "request": {"operation": "MakeShelf"},
                    "resource": {"type": "Shelf", "identifiers": [
                        {"target": "Name", "source": "requestParameter", "path": "ShelfName"}],
                        "path": "Shelf"}
                }
            },
            "has": {"Shelf": {"resource": {"type": "Shelf", "identifiers": [
                {"target": "Name", "source": "input"}]}}}
        },
        "resources": {
            "Shelf": {
                "identifiers": [{"name": "Name"}],
                "shape": "Shelf",
                "load": {"request": {"operation": "GetShelf", "params": [
                    {"target": "ShelfName", "source": "identifier", "name": "Name"}]}, "path": "@"},
                "actions": {
                    "SwitchOn": {"request": {"operation": "MakeShelf", "params": [
                        {"target": "ShelfName", "source": "identifier", "name": "Name"},
                        {"target": "Config.Status", "source": "string", "value": "On"}]}},
                    "Broken": {"request": {"operation": "MakeShelf", "params": [
                        {"target": "ShelfName", "source": "bogus"}]}}
                },
                "waiters": {"Exists": {"waiterName": "ShelfExists", "params": [
                    {"target": "ShelfName", "source": "identifier", "name": "Name"}]},
                    "Gone": {"waiterName": "NoSuchWaiter", "params": []}},
                "has": {"Keeper": {"resource": {"type": "Person", "identifiers": [
                    {"target": "Name", "source": "data", "path": "Owner"}]}}},
                "hasMany": {"Books": {
                    "request": {"operation": "ListBooks", "params": [
                        {"target": "ShelfName", "source": "identifier", "name": "Name"}]},
                    "resource": {"type": "Book", "identifiers": [
                        {"target": "ShelfName", "source": "requestParameter", "path": "ShelfName"},
                        {"target": "Id", "source": "response", "path": "Books[].Id"},
                        {"target": "Page", "source": "response", "path": "Books[].Page"}],
                        "path": "Books[]"}}}
            },
            "Book": {
                "identifiers": [{"name": "ShelfName"}, {"name": "Id"},
                    {"name": "Page", "type": "integer"}],
                "shape": "Book",
                "actions": {"Read": {"request": {"operation": "ReadPage", "params": [
                    {"target": "ShelfName", "source": "identifier", "name": "ShelfName"},
                    {"target": "BookId", "source": "identifier", "name": "Id"},
                    {"target": "Page", "source": "identifier", "name": "Page"}]}}},
                "batchActions": {"Delete": {"request": {"operation": "DeleteObjects", "params": [
                    {"target": "ShelfName", "source": "identifier", "name": "ShelfName"},
                    {"target": "Delete.Items[*].Id", "source": "identifier", "name": "Id"},
                    {"target": "Delete.Items[*].Page", "source": "identifier", "name": "Page"}]}}},
                "has": {"Shelf": {"resource": {"type": "Shelf", "identifiers": [
                    {"target": "Name", "source": "identifier", "name": "ShelfName"}]}}}
            },
            "Person": {"identifiers": [{"name": "Name"}]}
        }
    })
}

fn render() -> super::RenderedResources {
    let waiters: Waiters = serde_json::from_value(json!({"waiters": {"ShelfExists": {
        "operation": "GetShelf", "delay": 1, "maxAttempts": 2, "acceptors": []}}}))
    .unwrap();
    let paginators: Paginators = serde_json::from_value(json!({"pagination": {"ListBooks": {
        "input_token": "Marker", "output_token": "NextMarker", "result_key": "Books"}}}))
    .unwrap();
    let paginated = BTreeSet::from(["ListBooks".to_owned()]);
    render_resources(
        &model(),
        &paginators,
        &paginated,
        Some(&waiters),
        &resources(),
        "LibraryClient",
    )
    .unwrap()
}

/// `s` with all whitespace removed, so the checks do not depend on line breaks.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_has(source: &str, wanted: &str) {
    assert!(
        squeeze(source).contains(&squeeze(wanted)),
        "generated code lacks {wanted:?}"
    );
}

#[test]
fn identifiers_typed_and_compared_without_data() {
    let r = render();
    assert_has(&r.source, "pub struct Book { client: crate::LibraryClient, shelf_name: String, id: String, page: i32, data: Option<Arc<super::types::Book>>, }");
    assert_has(&r.source, "pub fn page(&self) -> i32 { self.page }");
    assert_has(
        &r.source,
        "self.shelf_name == other.shelf_name && self.id == other.id && self.page == other.page",
    );
    assert_has(
        &r.source,
        "pub struct Person { client: crate::LibraryClient, name: String, }",
    );
}

#[test]
fn loads_from_the_whole_output() {
    let r = render();
    assert_has(
        &r.source,
        "let output = self.client.get_shelf().shelf_name(self.name.clone()).send().await?;",
    );
    assert_has(
        &r.source,
        "Option<Arc<super::types::Shelf>> = Some(Arc::new(output));",
    );
}

#[test]
fn nested_literal_and_integer_parameters() {
    let r = render();
    assert_has(
        &r.source,
        ".config(super::types::Config { status: Some(super::types::Status::from(\"On\")), ..Default::default() })",
    );
    assert_has(&r.source, ".book_id(self.id.clone()).page(self.page)");
}

#[test]
fn actions_that_return_resources_read_the_request_and_response() {
    let r = render();
    assert_has(
        &r.source,
        "pub fn create_shelf(&self) -> super::operations::MakeShelfCall<ServiceResource>",
    );
    assert_has(
        &r.source,
        "impl super::operations::MakeShelfCall<ServiceResource> {",
    );
    assert_has(
        &r.source,
        "let rp_shelf_name = call.as_input().shelf_name.clone();",
    );
    assert_has(&r.source, "r.data = output.shelf.clone().map(Arc::new);");
}

#[test]
fn has_from_identifiers_arguments_and_data() {
    let r = render();
    assert_has(
        &r.source,
        "pub fn shelf(&self, name: impl Into<String>) -> Shelf",
    );
    assert_has(
        &r.source,
        "pub fn keeper(&self,) -> Option<Person> { Some(Person::new(self.client.clone(), self.data.as_ref().and_then(|d| d.owner.clone())?)) }",
    );
}

#[test]
fn collections_read_pages_into_resources() {
    let r = render();
    assert_has(&r.source, "pub struct ShelfBooksCollection {");
    assert_has(
        &r.source,
        "for item in output.books.take().unwrap_or_default() {",
    );
    assert_has(&r.source, "item.page.clone().ok_or_else(|| rt::missing_in_response(\"ListBooks\", \"Books[].Page\"))?");
    assert_has(&r.source, "r.data = Some(Arc::new(item));");
}

#[test]
fn batch_actions_group_and_fill_entries() {
    let r = render();
    assert_has(&r.source, "pub trait BookBatchActions {");
    assert_has(&r.source, "impl BookBatchActions for [Book] {");
    assert_has(
        &r.source,
        ".delete(super::types::DeleteSpec { items: Some(chunk.iter().enumerate().map(|(i, r)| super::types::BookRef { id: Some(r.id.clone()), page: Some(r.page), ..Default::default() }).collect::<Vec<_>>()), ..Default::default() })",
    );
    assert_has(
        &r.source,
        "max: 1000, key: |r: &Book| vec![r.shelf_name.clone()]",
    );
    assert_has(
        &r.source,
        "failed: |o| o.errors.as_ref().map_or(0, Vec::len)",
    );
    // The collection of books gets the batch action too.
    assert_has(&r.source, "impl ShelfBooksCollection { ");
    assert_has(
        &r.source,
        "BookBatchActions::delete(chunk.as_slice()).await",
    );
}

#[test]
fn waiters_set_the_identifiers() {
    let r = render();
    assert_has(
        &r.source,
        "pub fn wait_until_exists(&self) -> super::waiters::ShelfExistsWaiter { self.client.wait_until_shelf_exists().input(|c| c.shelf_name(self.name.clone())) }",
    );
}

#[test]
fn what_cannot_be_generated_is_reported_not_dropped() {
    let r = render();
    let skipped = r.skipped.join("\n");
    assert!(
        skipped.contains("Shelf.actions.Broken: parameter source bogus"),
        "{skipped}"
    );
    assert!(
        skipped.contains("Shelf.waiters.Gone: the service has no waiter NoSuchWaiter"),
        "{skipped}"
    );
    assert_eq!(r.skipped.len(), 2, "{skipped}");
}

#[test]
fn counts_and_description_agree() {
    let r = render();
    let totals: std::collections::BTreeMap<_, _> = r.description.totals().into_iter().collect();
    assert_eq!(totals["resources"], 3);
    assert_eq!(totals["actions"], 2);
    assert_eq!(totals["batch actions"], 1);
    assert_eq!(totals["waiters"], 1);
    assert_eq!(totals["has"], 2);
    assert_eq!(totals["collections"], 1);
    assert_eq!(totals["loads"], 1);
    assert_eq!(r.counts["service actions"], 1);
    assert_has(&r.source, "pub static MODEL: rt::ResourceModel");
    assert_has(&r.source, "(\"Book\", rt::ResourceNode { identifiers: &[\"ShelfName\", \"Id\", \"Page\"], load: None, actions: &[\"Read\"], batch_actions: &[\"Delete\"]");
}
