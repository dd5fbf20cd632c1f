//! Reusable field widgets: a label, the input with its unit, a one-line help text and, when a
//! value is refused, the reason. Every input carries `data-testid="field-<path>"` and its error
//! `data-testid="error-<path>"`, where `<path>` is the validation path of the field.
//!
//! Text and number inputs commit on `change` (blur or Enter), selects and checkboxes at once. A
//! commit goes through the `commit` callback, which returns the reason when it refuses; the
//! field then keeps the typed text and shows the reason. Escape puts the current value back.

use super::check::FieldError;
use crate::i18n::Lang;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Accepts (`None`) or refuses (`Some(reason)`) a committed value.
pub type Commit = Callback<String, Option<FieldError>>;

/// `params.autoscale.schedule[0].min` → `insp-params-autoscale-schedule-0-min`.
fn dom_id(path: &str) -> String {
    let id: String = path
        .chars()
        .filter(|c| *c != ']')
        .map(|c| if c == '.' || c == '[' { '-' } else { c })
        .collect();
    format!("insp-{id}")
}

/// The parts every field shows around its control.
#[derive(Clone, PartialEq)]
struct Frame {
    path: AttrValue,
    label: AttrValue,
    help: AttrValue,
    error: Option<String>,
}

fn framed(frame: &Frame, control: Html) -> Html {
    let id = dom_id(&frame.path);
    html! {
        <div class={classes!("field", frame.error.is_some().then_some("is-invalid"))}
             data-field={frame.path.clone()}>
            <label class="field-label" for={id}>{ frame.label.clone() }</label>
            { control }
            { notes(&frame.path, frame.error.clone(), &frame.help) }
        </div>
    }
}

/// Under a field: the refusal message (if any), then the help line (if any).
fn notes(path: &AttrValue, error: Option<String>, help: &AttrValue) -> Html {
    html! {
        <>
            if let Some(error) = error {
                <p class="field-error" role="alert" data-testid={format!("error-{path}")}>{ error }</p>
            }
            if !help.is_empty() {
                <p class="field-help">{ help.clone() }</p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct InputFieldProps {
    /// Validation path, used for the test ids.
    pub path: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub unit: AttrValue,
    #[prop_or_default]
    pub help: AttrValue,
    /// The current value as text.
    pub value: AttrValue,
    /// Shown when empty: the default value (or, for a label, the id).
    #[prop_or_default]
    pub placeholder: AttrValue,
    pub lang: Lang,
    pub commit: Commit,
    /// `decimal`, `numeric` (counts) or `text`.
    #[prop_or(AttrValue::Static("decimal"))]
    pub inputmode: AttrValue,
    #[prop_or_default]
    pub monospace: bool,
}

/// A one-line input, for numbers (parsed by `commit`) and short text.
///
/// It is a text input even for numbers, so that what was typed stays visible when it is refused
/// ("Enter a number" under `12ms`), and the mouse wheel never changes a value by accident.
#[function_component]
pub fn InputField(props: &InputFieldProps) -> Html {
    // What the user typed and has not yet had accepted; `None` shows the current value. Kept in
    // state because Yew resets an input to its `value` on every re-render of this component,
    // which happens often while the simulation runs.
    let draft = use_state(|| None::<String>);
    let error = use_state(|| None::<FieldError>);
    {
        // The document changed underneath (undo, another selection): show it as it is now.
        let (draft, error) = (draft.clone(), error.clone());
        use_effect_with(props.value.clone(), move |_| {
            draft.set(None);
            error.set(None);
        });
    }
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(Some(e.target_unchecked_into::<HtmlInputElement>().value()));
        })
    };
    let onchange = {
        let (draft, error, commit) = (draft.clone(), error.clone(), props.commit.clone());
        Callback::from(move |e: Event| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            match commit.emit(text.clone()) {
                Some(refused) => {
                    draft.set(Some(text));
                    error.set(Some(refused));
                }
                None => {
                    draft.set(None);
                    error.set(None);
                }
            }
        })
    };
    let onkeydown = {
        let (draft, error, value) = (draft.clone(), error.clone(), props.value.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.target_unchecked_into::<HtmlInputElement>()
                    .set_value(&value);
                draft.set(None);
                error.set(None);
            }
        })
    };
    let shown = (*draft)
        .clone()
        .map_or_else(|| props.value.clone(), AttrValue::from);
    let frame = Frame {
        path: props.path.clone(),
        label: props.label.clone(),
        help: props.help.clone(),
        error: (*error).as_ref().map(|e| e.text(props.lang)),
    };
    let invalid = error.is_some();
    let control = html! {
        <div class={classes!("field-control", invalid.then_some("is-invalid"))}>
            <input id={dom_id(&props.path)}
                   class={classes!("field-input", props.monospace.then_some("is-mono"))}
                   type="text" inputmode={props.inputmode.clone()} autocomplete="off"
                   spellcheck="false"
                   data-testid={format!("field-{}", props.path)}
                   aria-invalid={invalid.to_string()}
                   placeholder={props.placeholder.clone()}
                   value={shown}
                   {oninput} {onchange} {onkeydown} />
            if !props.unit.is_empty() {
                <span class="field-unit" aria-hidden="true">{ props.unit.clone() }</span>
            }
        </div>
    };
    framed(&frame, control)
}

#[derive(Properties, PartialEq)]
pub struct SelectFieldProps {
    pub path: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub help: AttrValue,
    /// The value of the chosen option.
    pub value: AttrValue,
    /// `(value, text)` of each option.
    pub options: Vec<(AttrValue, AttrValue)>,
    pub lang: Lang,
    pub commit: Commit,
}

/// A drop-down list; commits as soon as an option is chosen.
#[function_component]
pub fn SelectField(props: &SelectFieldProps) -> Html {
    let error = use_state(|| None::<FieldError>);
    let select = use_node_ref();
    {
        // Keep the shown option equal to the document, also after a refused choice or an undo
        // (the `selected` attribute alone stops working once the user has picked an option).
        let select = select.clone();
        let value = props.value.clone();
        use_effect(move || {
            if let Some(el) = select.cast::<HtmlSelectElement>() {
                if el.value() != *value {
                    el.set_value(&value);
                }
            }
        });
    }
    {
        let error = error.clone();
        use_effect_with(props.value.clone(), move |_| error.set(None));
    }
    let onchange = {
        let (error, commit) = (error.clone(), props.commit.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            error.set(commit.emit(value));
        })
    };
    let frame = Frame {
        path: props.path.clone(),
        label: props.label.clone(),
        help: props.help.clone(),
        error: (*error).as_ref().map(|e| e.text(props.lang)),
    };
    let invalid = error.is_some();
    let control = html! {
        <div class={classes!("field-control", "is-select", invalid.then_some("is-invalid"))}>
            <select id={dom_id(&props.path)} class="field-select" ref={select}
                    data-testid={format!("field-{}", props.path)}
                    aria-invalid={invalid.to_string()} {onchange}>
                { for props.options.iter().map(|(value, text)| html! {
                    <option value={value.clone()} selected={*value == props.value}>
                        { text.clone() }
                    </option>
                }) }
            </select>
        </div>
    };
    framed(&frame, control)
}

#[derive(Properties, PartialEq)]
pub struct CheckFieldProps {
    pub path: AttrValue,
    /// Text next to the box.
    pub label: AttrValue,
    #[prop_or_default]
    pub help: AttrValue,
    pub checked: bool,
    pub lang: Lang,
    /// Receives `"true"` or `"false"`.
    pub commit: Commit,
}

/// A checkbox; commits at once.
#[function_component]
pub fn CheckField(props: &CheckFieldProps) -> Html {
    let error = use_state(|| None::<FieldError>);
    {
        let error = error.clone();
        use_effect_with(props.checked, move |_| error.set(None));
    }
    let onchange = {
        let (error, commit) = (error.clone(), props.commit.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let on = input.checked();
            let refused = commit.emit(on.to_string());
            if refused.is_some() {
                // The document did not change: the box shows it as it is.
                input.set_checked(!on);
            }
            error.set(refused);
        })
    };
    let id = dom_id(&props.path);
    let error_text = (*error).as_ref().map(|e| e.text(props.lang));
    html! {
        <div class={classes!("field", "field-check", error_text.is_some().then_some("is-invalid"))}
             data-field={props.path.clone()}>
            <label class="field-check-row" for={id.clone()}>
                <input {id} type="checkbox" class="field-checkbox"
                       data-testid={format!("field-{}", props.path)}
                       checked={props.checked} {onchange} />
                <span class="field-label">{ props.label.clone() }</span>
            </label>
            { notes(&props.path, error_text, &props.help) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReadoutProps {
    /// Used for the test id `readout-<name>`.
    pub name: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    #[prop_or_default]
    pub unit: AttrValue,
    #[prop_or_default]
    pub help: AttrValue,
}

/// A computed, read-only value shown like a field.
#[function_component]
pub fn Readout(props: &ReadoutProps) -> Html {
    html! {
        <div class="field field-readout">
            <span class="field-label">{ props.label.clone() }</span>
            <div class="field-control is-readonly">
                <output class="field-value" data-testid={format!("readout-{}", props.name)}>
                    { props.value.clone() }
                </output>
                if !props.unit.is_empty() {
                    <span class="field-unit">{ props.unit.clone() }</span>
                }
            </div>
            if !props.help.is_empty() {
                <p class="field-help">{ props.help.clone() }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ActionButtonProps {
    /// Text on the button.
    pub label: AttrValue,
    /// Tooltip and accessible name.
    #[prop_or_default]
    pub title: AttrValue,
    /// Used for the test ids `action-<name>` and `error-<name>`.
    pub name: AttrValue,
    #[prop_or_default]
    pub class: Classes,
    pub lang: Lang,
    /// Receives `""`; refuses with the reason, shown under the button.
    pub commit: Commit,
}

/// A button that changes the document (adds or removes a list entry) through a `Commit`, and
/// shows why when the change is refused.
#[function_component]
pub fn ActionButton(props: &ActionButtonProps) -> Html {
    let error = use_state(|| None::<FieldError>);
    let onclick = {
        let (error, commit) = (error.clone(), props.commit.clone());
        Callback::from(move |_: MouseEvent| error.set(commit.emit(String::new())))
    };
    let title = (!props.title.is_empty()).then(|| props.title.clone());
    html! {
        <>
            <button type="button" class={classes!("btn", "insp-btn", props.class.clone())}
                    data-testid={format!("action-{}", props.name)}
                    title={title.clone()} aria-label={title} {onclick}>
                { props.label.clone() }
            </button>
            if let Some(e) = &*error {
                <p class="field-error insp-action-error" role="alert"
                   data-testid={format!("error-{}", props.name)}>{ e.text(props.lang) }</p>
            }
        </>
    }
}

/// A short note inside a section (a consequence of the values, not an error).
pub fn note(name: &str, text: &str) -> Html {
    html! {
        <p class="insp-note" role="note" data-testid={format!("note-{name}")}>
            { text.to_owned() }
        </p>
    }
}

/// A titled group of fields.
pub fn section(title: &str, body: Html) -> Html {
    html! {
        <section class="insp-section">
            <h3 class="insp-section-title">{ title.to_owned() }</h3>
            <div class="insp-fields">{ body }</div>
        </section>
    }
}
