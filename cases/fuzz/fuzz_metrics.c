/*
** fuzz_metrics.c - libFuzzer target: arbitrary bytes as one
** agent_log_chunks.content, through the backfill's event counter
** (lib/metrics_count.h).
**
** Besides not crashing, the counter's pre-filter must never change a
** count: counting with CW_METRICS_ALWAYS_PARSE (every valid line parsed
** into a tree) gives the same counters, lines and malformed lines as
** the default (only lines holding a counted name parsed).  Counting the
** chunk twice into one total gives twice the counts.
*/
#include "../../lib/metrics_count.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_metrics_counts fast, slow, twice;
	/* Exactly size bytes, no NUL after them: content is a length. */
	char *text = malloc(size ? size : 1);
	int k, rf, rs;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	memset(&fast, 0, sizeof(fast));
	memset(&slow, 0, sizeof(slow));
	memset(&twice, 0, sizeof(twice));
	rf = cw_metrics_count(&fast, text, size, 0, NULL);
	rs = cw_metrics_count(&slow, text, size, CW_METRICS_ALWAYS_PARSE,
			      NULL);
	if (rf == 0 && rs == 0) {
		for (k = 0; k < CW_METRIC_N; k++)
			if (fast.n[k] != slow.n[k])
				abort();
		if (fast.lines != slow.lines ||
		    fast.malformed != slow.malformed ||
		    fast.parsed > slow.parsed || fast.malformed > fast.lines)
			abort();
		if (cw_metrics_count(&twice, text, size, 0, NULL) == 0 &&
		    cw_metrics_count(&twice, text, size, 0, NULL) == 0)
			for (k = 0; k < CW_METRIC_N; k++)
				if (twice.n[k] != 2 * fast.n[k])
					abort();
	}
	free(text);
	return 0;
}
