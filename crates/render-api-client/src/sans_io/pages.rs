//! Walking every page of a paginated endpoint.

use render_api_types::{Page, Paginated};

/// Where a walk over the pages of a paginated endpoint is: the request of the next page, or
/// the end. See [`Core::pages`](super::Core::pages).
#[derive(Debug)]
pub struct PageCursor<E: Paginated> {
    pub(super) request: E::Request,
    pub(super) done: bool,
}

impl<E: Paginated> PageCursor<E> {
    /// The next page's request; `None` after the last page (or an error).
    pub fn next_request(&self) -> Option<&E::Request> {
        (!self.done).then_some(&self.request)
    }

    /// Takes in a page: answers its items and moves to the next page, or to the end after
    /// the last one.
    pub fn on_page(&mut self, page: Page<E::Item>) -> Vec<E::Item> {
        self.advance(&page);
        page.items
    }

    /// Moves past `page` (the reply to [`next_request`](Self::next_request)): to the next
    /// page, or to the end after the last one.
    pub fn advance(&mut self, page: &Page<E::Item>) {
        self.done = page.is_last();
        tracing::info!(
            endpoint = E::NAME,
            page = page.page_num,
            pages = page.page_count,
            items = page.items.len(),
            total = page.total,
            "page"
        );
        let next = E::page_num(&self.request) + 1;
        E::set_page_num(&mut self.request, next);
    }

    /// Ends the walk (after an error: a walk does not go on past a page it could not get).
    pub fn stop(&mut self) {
        self.done = true;
    }
}
