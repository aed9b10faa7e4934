"""The schemathesis CLI (`st`), with two upstream faults worked around.

schemathesis 4.32.5 looks for links in every string of a 2xx JSON body. A string that
starts with `http://[` but holds no IP address between the brackets (it generates such
strings, we store them as the text they are and give them back) makes Python's urlsplit
raise ValueError, and the whole run ends in "Test Execution Error" (seen with seed 2:
'3abe6ddad2a075f5d0f' does not appear to be an IPv4 or IPv6 address). Such a string is
not a URL, so it is no link: the check below says so and the run goes on. Everything else
is schemathesis unchanged.

Second: a warning's display and fail-on settings of an `[[operations]]` block decide
whether the warning is looked for, but whether it is shown and fails the run is decided
by the project's settings alone (WarningCollector._handle_warning reads
`self.config.warnings`). Below, the operation's own settings decide both, as
schemathesis' documentation of `[[operations]] warnings` says.

Third: the "mostly rejected generated data" warning counts every 4xx but 401, 403, 404,
409 and 429 as a refusal of the data. 412 (an If-Match that is well formed but not the
current version, RFC 9110 13.1.1) and 428 (an existing report replaced without If-Match,
RFC 6585 3) say nothing against the data either, as little as 409 does: a stateful
scenario whose ETags went stale while it ran was taken for a schema looser than the
server (seen on PUT /partners/{partner_id}: 404s, 409s and 412s, no 422). Below, they are
left out as 409 is. The run's positive_data_acceptance accepts both for the same reason.

Remove this file once schemathesis does all three itself.
"""

import sys

from schemathesis.engine import observations

_same_origin_path = observations._same_origin_path


def _same_origin_path_or_none(value, origin):
    try:
        return _same_origin_path(value, origin)
    except ValueError:
        return None


observations._same_origin_path = _same_origin_path_or_none

from schemathesis.cli.commands.run import warnings as run_warnings  # noqa: E402
from schemathesis.config import SchemathesisWarning  # noqa: E402

_check_warnings = run_warnings.WarningCollector._check_warnings
_handle_warning = run_warnings.WarningCollector._handle_warning


def _check_warnings_of_operation(self, ctx, event):
    try:
        operation = ctx.find_operation(event.label) if event.label is not None else None
        self._operation_warnings = self.config.warnings_for(operation=operation) if operation else None
    except Exception:
        self._operation_warnings = None
    try:
        return _check_warnings(self, ctx, event)
    finally:
        self._operation_warnings = None


def _handle_warning_of_operation(self, kind, record_callback):
    own = getattr(self, "_operation_warnings", None)
    if own is None:
        return _handle_warning(self, kind, record_callback)
    if not own.should_display(kind):
        return
    record_callback()
    if own.should_fail(kind):
        if kind is SchemathesisWarning.MISSING_TEST_DATA:
            self.fails_on_missing_test_data.update(self.data.missing_test_data)
        else:
            self.fails = True


NOT_ABOUT_THE_DATA = {401, 403, 404, 409, 412, 428, 429}


def _4xx_breakdown(self):
    count_404 = self.counts.get(404, 0)
    count_other_4xx = sum(
        count for code, count in self.counts.items() if 400 <= code < 500 and code not in NOT_ABOUT_THE_DATA
    )
    return count_404, count_other_4xx, count_404 + count_other_4xx


run_warnings.StatusCodeStatistic._get_4xx_breakdown = _4xx_breakdown
run_warnings.WarningCollector._check_warnings = _check_warnings_of_operation
run_warnings.WarningCollector._handle_warning = _handle_warning_of_operation

from schemathesis.cli import schemathesis  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "st"
    sys.exit(schemathesis())
