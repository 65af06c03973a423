"""Timeline: claims per day stacked by who makes them (or by type); drag across the chart to set the date
filter; below, the filtered claims as a chronological feed."""
import altair as alt
import pandas as pd
import streamlit as st

from liveblog import filters, views
from pages import _shared

FEED_MAX = 150
BRUSH_ROUND = "_timeline_brush_round"

_shared.intro("Claims over time", "Claims per day, stacked. Drag across the chart to choose the dates (every page "
              "follows); the feed below lists the claims shown, newest first.")
view = _shared.page_view()
by = st.segmented_control("Stack by", ["actor", "claim_type"], default="actor", key="timeline_by",
                          format_func=lambda v: {"actor": "Who claims", "claim_type": "Claim type"}[v]) or "actor"

# The chart shows every date the other filters keep, so the brush has context; the chosen range is bright.
undated_filters = view.filters.without("start", "end")
context = filters.filter_events(view.events, undated_filters, view.loaded.haystack, view.loaded.keys)
counts = views.timeline_counts(context, by=by)
if counts.empty:
    st.info("No dated claim matches the filters.")
else:
    present = set(counts[by])
    if by == "actor":
        domain = [a for a in view.options.actors if a in present]
        scale = alt.Scale(domain=domain, range=[views.actor_colour(a) for a in domain])
    else:
        domain = sorted(present)
        scale = alt.Scale(domain=domain, scheme="tableau10")
    lo, hi = view.filters.start, view.filters.end
    day = counts["day"].dt.date
    counts["in_range"] = ((lo is None) | (day >= lo)) & ((hi is None) | (day <= hi)) if (lo or hi) else True
    counts["rank"] = counts[by].map({v: i for i, v in enumerate(domain)})
    brush = alt.selection_interval(encodings=["x"], name="brush")
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(day):T", title="Event date"),  # a time unit: day-wide bars
            y=alt.Y("sum(claims):Q", title="Claims"),
            color=alt.Color(f"{by}:N", title="Claimed by" if by == "actor" else "Claim type", scale=scale),
            order=alt.Order("rank:Q"),
            opacity=alt.condition("datum.in_range", alt.value(1.0), alt.value(0.25)),
            tooltip=[alt.Tooltip("day:T", title="Date"), alt.Tooltip(f"{by}:N"), alt.Tooltip("claims:Q")],
        )
        .add_params(brush)
        .properties(height=320)
    )
    # Each applied brush gives the chart a new key: the next chart starts with no selection, so a selection
    # seen here is always a new one and always applies, even the same range again after "All" widened it.
    brush_round = st.session_state.get(BRUSH_ROUND, 0)
    event = st.altair_chart(chart, width="stretch", on_select="rerun", selection_mode="brush",
                            key=f"timeline_chart_{brush_round}")
    picked = views.brush_range(event, field="yearmonthdate_day")
    if picked:
        st.session_state[BRUSH_ROUND] = brush_round + 1
        st.session_state[_shared.PENDING_DATES] = picked  # the date widget is already drawn: apply next run
        st.rerun()
    st.caption("Faded bars are outside the chosen dates. Use the quick picks in the sidebar to widen again.")

st.subheader("Feed")
_shared.place_chip(view, key="timeline")
_shared.shown_caption(view)
dated = views.newest_first(view.shown.drop_duplicates(views.CLAIM_KEY))
undated = int(dated["event_date"].isna().sum())
for row in dated.head(FEED_MAX).itertuples(index=False):
    when = row.event_date.strftime("%Y-%m-%d") if pd.notna(row.event_date) else "undated"
    place = f" — {_shared.md_escape(row.place)}" if isinstance(row.place, str) and row.place else ""
    st.markdown(f"**{when}** · **{_shared.md_escape(row.actor)}** · {_shared.md_escape(row.claim_type)}{place}  \n"
                f"{_shared.md_escape(row.claim)} _({_shared.md_escape(row.source or 'unknown outlet')})_")
if len(dated) > FEED_MAX:
    st.caption(f"The newest {FEED_MAX} of {len(dated)} claims; the Claims page lists them all.")
if undated:
    st.caption(f"{undated} claims shown have no date and are not on the chart.")
