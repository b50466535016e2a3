//! The OpenAPI document and the API's own contract.

use crate::harness::{Db, spawn};
use crate::on_both;

on_both!(
    the_openapi_document_describes_every_route,
    me_describes_the_caller
);

async fn the_openapi_document_describes_every_route(db: Db) {
    let app = spawn(db).await;
    let (status, doc) = app.anonymous().json("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/api/v1/me", vec!["get"]),
        ("/api/v1/organizations", vec!["get", "post"]),
        ("/api/v1/organizations/{id}", vec!["get", "put"]),
        ("/api/v1/programs", vec!["get", "post"]),
        ("/api/v1/programs/{id}", vec!["get", "put"]),
        ("/api/v1/people", vec!["get", "post"]),
        ("/api/v1/people/{id}", vec!["get", "put"]),
        ("/api/v1/memberships", vec!["get", "post"]),
        ("/api/v1/memberships/{id}", vec!["get", "delete"]),
    ] {
        for method in methods {
            assert!(
                paths[path][method].is_object(),
                "{method} {path} is not documented"
            );
        }
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

async fn me_describes_the_caller(db: Db) {
    let app = spawn(db).await;
    let (status, me) = app
        .as_person(app.world.principal_a1)
        .await
        .json("/api/v1/me")
        .await;
    assert_eq!(status, 200);
    assert_eq!(me["person"]["name"], "Paula Principal");
    assert_eq!(me["memberships"][0]["role"], "principal");
    assert_eq!(me["is_admin"], false);
    let (token, _) = app.as_token(app.world.provider_p, false).await;
    let (_, me) = token.json("/api/v1/me").await;
    assert!(me["person"].is_null());
}
