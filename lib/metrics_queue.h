/*
** metrics_queue.h - batches of copied agent_log_chunks rows, and the
** bounded hand-over of them from the thread that reads SQLite to the
** thread that counts (metrics_read.c).
**
** Why two threads: reading the rows and counting their events each take
** a similar share of a backfill, and neither needs the other's state, so
** on two cores they overlap.  Counting is the larger share, so when the
** pool is used up the reader counts the oldest full batch itself rather
** than wait (cw_metrics_queue_take_any): both cores stay busy.
**
** Why bounded: memory must not grow with the table.  A fixed pool of
** CW_METRICS_QUEUE_BATCHES batches circulates between an empty list (the
** reader fills from it) and a full list (the counter takes from it, in
** order); when both sides wait, nothing is allocated.  A batch is handed
** over at CW_METRICS_BATCH_BYTES of content or at the end of a keyset
** query, and none is filled while the full ones hold
** CW_METRICS_QUEUE_BYTES: with chunks of a few KB the pool stays near
** CW_METRICS_QUEUE_BATCHES x CW_METRICS_BATCH_BYTES; a huge chunk makes
** its batch grow (buffers double) and hand over at once, at most three
** of them are in memory (being filled, waiting, being counted), and its
** buffer is given back once counted.
**
** Both threads parse with cJSON, which its README calls thread-safe while
** no thread relies on cJSON_GetErrorPtr, sets allocation hooks or calls
** setlocale meanwhile: the backfill does none of these (the counting
** knows a line is valid before cJSON sees it).
**
** The queue owns its batches; cw_metrics_queue_free frees them.  Nothing
** here touches SQLite.
*/
#ifndef CW_METRICS_QUEUE_H
#define CW_METRICS_QUEUE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define CW_METRICS_QUEUE_BATCHES 6
#define CW_METRICS_BATCH_BYTES (1024 * 1024)
#define CW_METRICS_QUEUE_BYTES (4 * CW_METRICS_BATCH_BYTES)

/* One row: where its strings are in the batch's bytes. */
typedef struct cw_metrics_row {
	size_t id_at, id_len;            /* agent_id */
	size_t text_at, text_len;        /* content (NULL: empty) */
	int64_t created_at;              /* as an integer */
	int created_is_int;              /* stored as an INTEGER */
} cw_metrics_row;

typedef struct cw_metrics_batch {
	cw_metrics_row *rows;
	size_t n_rows, cap_rows;
	char *bytes;
	size_t n_bytes, cap_bytes;
	int is_last;                     /* no batch follows it */
	struct cw_metrics_batch *next;   /* in the queue's lists */
} cw_metrics_batch;

typedef struct cw_metrics_queue {
	pthread_mutex_t lock;
	pthread_cond_t changed;          /* a list grew, or stop was set */
	cw_metrics_batch *empty;         /* a stack */
	cw_metrics_batch *full, *full_tail;
	size_t n_full;
	size_t full_bytes;               /* content in the full list */
	int stop;                        /* the counter gave up */
	cw_metrics_batch pool[CW_METRICS_QUEUE_BATCHES];
} cw_metrics_queue;

/* Set up q with its pool of empty batches.  Returns 0 or CW_ENOMEM. */
int cw_metrics_queue_init(cw_metrics_queue *q);

void cw_metrics_queue_free(cw_metrics_queue *q);

/* Append a row (copies of its strings) to b.  Returns 0 or CW_ENOMEM. */
int cw_metrics_batch_add(cw_metrics_batch *b, const char *id, size_t id_len,
			 const char *text, size_t text_len,
			 int64_t created_at, int created_is_int);

/* Empty b for filling; returns b.  A buffer that grew for a huge chunk
** is given back, so the pool returns to its usual size after one. */
cw_metrics_batch *cw_metrics_batch_clear(cw_metrics_batch *b);

/* The reader's side: an empty batch (cleared), or NULL once the counter
** has stopped (waits for one; *waited_ns, if not NULL, grows by the time
** waited); then the batch back, filled. */
cw_metrics_batch *cw_metrics_queue_take_empty(cw_metrics_queue *q,
					      uint64_t *waited_ns);
void cw_metrics_queue_put_full(cw_metrics_queue *q, cw_metrics_batch *b);

/* The reader's side when the pool may be used up: an empty batch if one
** is there (*is_full 0); else, when two or more are full, the oldest, for
** the reader to count itself and then fill (*is_full 1), the other left
** for the counter, which must not wait; else it waits for either.  NULL
** once the counter has stopped. */
cw_metrics_batch *cw_metrics_queue_take_any(cw_metrics_queue *q,
					    int *is_full);

/* The counter's side: the oldest full batch (waits for one; *waited_ns,
** if not NULL, grows by the time waited), then the batch back, counted.
** cw_metrics_queue_stop wakes a reader waiting for an empty batch and
** makes it give up. */
cw_metrics_batch *cw_metrics_queue_take_full(cw_metrics_queue *q,
					     uint64_t *waited_ns);
void cw_metrics_queue_put_empty(cw_metrics_queue *q, cw_metrics_batch *b);
void cw_metrics_queue_stop(cw_metrics_queue *q);

#endif
