/*
** metrics_read.h - reading agent_log_chunks the way the backfill contract
** says (created_at ASC, then id, by keyset in batches, never OFFSET) and
** counting its events per agent (metrics_count.h).
**
** The read is bounded by the newest chunk present when it starts, so rows
** a live server writes meanwhile are not read (it counts those itself).
** Each batch is its own read transaction: nothing holds a lock between
** batches.  The queries run on a second thread, which copies the rows
** into a bounded pool of batches (metrics_queue.h); the calling thread
** counts them, in order, and is the only one that calls progress.
** Memory grows with the number of agents, never with the number of
** chunks: one entry per agent, found through a hash index, and the pool.
**
** The tally owns its strings; cw_metrics_tally_free releases them.
*/
#ifndef CW_METRICS_READ_H
#define CW_METRICS_READ_H

#include <sqlite3.h>
#include <stdint.h>
#include "error.h"
#include "metrics_count.h"

#define CW_METRICS_BATCH 500     /* rows per keyset query (the doc's) */
#define CW_METRICS_PROGRESS 1000 /* chunks between progress calls */

typedef struct cw_metrics_agent {
	char *agent_id;
	uint64_t n[CW_METRIC_N];       /* every chunk read */
	uint64_t before[CW_METRIC_N];  /* of them, created before split_ms */
	uint64_t chunks;
} cw_metrics_agent;

typedef struct cw_metrics_tally {
	cw_metrics_agent *agents;  /* insertion order; cw_metrics_tally_sort
				   ** sorts by agent_id (byte order) */
	size_t n_agents;
	size_t cap;
	size_t *slots;             /* hash index: agents[slot - 1]; 0 free */
	size_t n_slots;
	uint64_t chunks;           /* chunks read */
	uint64_t total;            /* chunks the read set out to read */
	cw_metrics_counts counts;  /* every chunk: counters, malformed, ... */
	int64_t last_created_at;   /* the newest chunk read (its created_at
				   ** as an integer), 0 if none */
	uint64_t read_ns;          /* the reading thread's CPU time: SQLite
				   ** and copying rows (always measured) */
	uint64_t count_ns;         /* counting, parse_ns included (idem) */
	uint64_t batches;          /* keyset queries run */
	uint64_t wait_ns;          /* counting waited for reading */
	uint64_t helped;           /* of chunks, counted on the reading
				   ** thread (metrics_queue.h) */
} cw_metrics_tally;

#define CW_METRICS_TALLY_INIT {NULL, 0, 0, NULL, 0, 0, 0, {{0}, 0, 0, 0, 0}, \
			       0, 0, 0, 0, 0, 0}

typedef struct cw_metrics_read_options {
	int batch_size;            /* rows per query; 0: CW_METRICS_BATCH */
	int has_until;             /* read only chunks created before: */
	int64_t until_ms;
	int has_split;             /* count chunks created before split_ms in
				   ** each agent's before[] too */
	int64_t split_ms;
	int flags;                 /* CW_METRICS_* (metrics_count.h) */
	/* Called every CW_METRICS_PROGRESS chunks and once at the end. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
} cw_metrics_read_options;

#define CW_METRICS_READ_OPTIONS_INIT {CW_METRICS_BATCH, 0, 0, 0, 0, 0, \
				      NULL, NULL}

/* Read and count every chunk of db's agent_log_chunks (which must have
** the contract's columns) into *out, which must be empty.  Returns 0,
** CW_ESQL (err says what SQLite said), CW_EBUSY or CW_ENOMEM. */
int cw_metrics_read(cw_metrics_tally *out, sqlite3 *db,
		    const cw_metrics_read_options *o, cw_error *err);

/* The entry of agent_id, or NULL. */
cw_metrics_agent *cw_metrics_tally_find(const cw_metrics_tally *t,
					const char *agent_id);

/* Sort the agents by agent_id (the hash index is rebuilt). */
void cw_metrics_tally_sort(cw_metrics_tally *t);

void cw_metrics_tally_free(cw_metrics_tally *t);

#endif
