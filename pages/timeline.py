"""Timeline: claims per day, stacked by who makes them (the same colours as the map)."""
import altair as alt
import streamlit as st

from liveblog import views
from pages import _shared

view = _shared.current_view()
st.title("Claims over time")
_shared.shown_caption(view)

counts = views.timeline_counts(view.shown)
undated = views.claim_count(view.shown[view.shown["event_date"].isna()])
if counts.empty:
    st.info("No dated claim matches the filters.")
else:
    present = set(counts["actor"])
    actors = [a for a in view.options.actors if a in present]  # legend in schema order
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(day):T", title="Event date"),
            y=alt.Y("sum(claims):Q", title="Claims"),
            color=alt.Color("actor:N", title="Claimed by",
                            scale=alt.Scale(domain=actors, range=[views.actor_colour(a) for a in actors])),
            order=alt.Order("actor_rank:Q"),
            tooltip=[alt.Tooltip("yearmonthdate(day):T", title="Date"), "actor:N", "claims:Q"],
        )
        .transform_calculate(actor_rank=f"indexof({actors!r}, datum.actor)")
    )
    st.altair_chart(chart, width="stretch")
if undated:
    st.caption(f"{undated} claims have no date and are not on the timeline.")
