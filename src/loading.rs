//! Awaiting data from a `Suspend`.

use leptos::prelude::*;

/// `resource.await`, safe on a screen the shopper has already left.
///
/// A `Suspend` can be polled for the first time after its owner was disposed (the shopper
/// pressed Back twice while a list was loading). Awaiting a disposed resource panics in
/// leptos 0.8 ("Tried to access a reactive value that has already been disposed", see
/// leptos-rs/leptos#3595), and a panic stops the whole widget. Such a `Suspend` renders
/// nowhere, so it simply never finishes.
pub async fn loaded<T: Clone + 'static>(resource: LocalResource<T>) -> T {
    if resource.is_disposed() {
        std::future::pending::<()>().await;
    }
    resource.await
}

/// [`loaded`] for a computation that is not a resource (see `App`'s configuration).
pub async fn derived<T: Clone + 'static>(value: AsyncDerived<T, LocalStorage>) -> T {
    if value.is_disposed() {
        std::future::pending::<()>().await;
    }
    value.await
}
