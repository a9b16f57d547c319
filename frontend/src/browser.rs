//! Thin wrappers over browser APIs the pages use: confirmation dialogs and the clipboard.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Asks the user to confirm a destructive action with the browser's own dialog (keyboard and
/// screen-reader accessible); `false` when they cancel or no dialog can be shown.
pub fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

/// Copies text to the clipboard; `false` when the browser refuses (no permission, or no
/// clipboard outside secure contexts).
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    // `navigator.clipboard` is undefined outside secure contexts; calling into it would throw.
    let available = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .is_ok_and(|clipboard| clipboard.is_object());
    if !available {
        return false;
    }
    JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}

/// Saves a base64-encoded file under `file_name` (a `data:` URL followed by a temporary link with
/// `download`, so no object URL has to be revoked); `false` when the page has no document.
pub fn save_base64_file(file_name: &str, media_type: &str, content_base64: &str) -> bool {
    save_data_url(
        file_name,
        &format!("data:{media_type};base64,{content_base64}"),
    )
}

/// Clicks a temporary link with `download` to a `data:` URL.
fn save_data_url(file_name: &str, href: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Ok(link) = document.create_element("a") else {
        return false;
    };
    if link.set_attribute("href", href).is_err()
        || link.set_attribute("download", file_name).is_err()
    {
        return false;
    }
    let Some(body) = document.body() else {
        return false;
    };
    if body.append_child(&link).is_err() {
        return false;
    }
    if let Some(link) = link.dyn_ref::<web_sys::HtmlElement>() {
        link.click();
    }
    link.remove();
    true
}

/// The page's origin (`http://127.0.0.1:8080`), for links to share.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Saves text under `file_name` (a percent-encoded `data:` URL, as [`save_base64_file`]).
pub fn save_text_file(file_name: &str, media_type: &str, text: &str) -> bool {
    let encoded = String::from(js_sys::encode_uri_component(text));
    save_data_url(file_name, &format!("data:{media_type},{encoded}"))
}
