//! The current lesson step's link as a QR code, big enough to scan from the back of a room.

use crate::components::modal::Modal;
use crate::components::qr::Qr;
use crate::i18n::{tr, Lang};
use crate::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QrDialogProps {
    pub link: String,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
}

#[function_component]
pub fn QrDialog(props: &QrDialogProps) -> Html {
    let lang = props.lang;
    let close = {
        let d = props.dispatch.clone();
        Callback::from(move |_| d.emit(Action::CloseDialog))
    };
    html! {
        <Modal testid="qr-dialog" class="qr-dialog" label={tr(lang, "Scan to open this step")}
               on_close={let d = props.dispatch.clone(); Callback::from(move |()| d.emit(Action::CloseDialog))}>
                <h2 class="dialog-title">{ tr(lang, "Scan to open this step") }</h2>
                <Qr text={props.link.clone()} size={320} label={tr(lang, "QR code of the link to this step")} />
                <p class="qr-link" data-testid="qr-link">{ &props.link }</p>
                <div class="dialog-actions">
                    <button class="btn" data-testid="qr-close" onclick={close}>{ tr(lang, "Close") }</button>
                </div>
        </Modal>
    }
}
