//! Where "Report a problem" leads. The complaint form itself ships with the complaints
//! capability; until then this screen says so plainly, with the order already chosen.

use carebox_contract::OrderNumber;
use leptos::prelude::*;

use crate::{
    WidgetSettings,
    i18n::{fill, strings},
};

#[component]
pub fn ReportProblem(
    /// The order the problem is about, when started from one.
    #[prop(optional)]
    order: Option<OrderNumber>,
) -> impl IntoView {
    let text = strings(expect_context::<WidgetSettings>().locale);
    let data_order = order.as_ref().map(ToString::to_string);
    view! {
        <div class="carebox-report" data-order=data_order>
            {order.map(|number| view! {
                <p class="carebox-report__order" tabindex="-1" data-autofocus="">
                    <strong>{fill(text.order_title, &[("number", number.as_str())])}</strong>
                </p>
            })}
            <p>{text.report_problem_hint}</p>
            <p><span class="carebox-entry__badge">{text.coming_soon}</span></p>
        </div>
    }
}
