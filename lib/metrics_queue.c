/*
** metrics_queue.c - the batches and the bounded queue between the
** backfill's reading and counting threads (metrics_queue.h).
*/
#include "metrics_queue.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "error.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int cw_metrics_queue_init(cw_metrics_queue *q)
{
	size_t i;

	memset(q, 0, sizeof(*q));
	if (pthread_mutex_init(&q->lock, NULL) != 0)
		return CW_ENOMEM;
	if (pthread_cond_init(&q->changed, NULL) != 0) {
		pthread_mutex_destroy(&q->lock);
		return CW_ENOMEM;
	}
	for (i = 0; i < CW_METRICS_QUEUE_BATCHES; i++) {
		q->pool[i].next = q->empty;
		q->empty = &q->pool[i];
	}
	return 0;
}

void cw_metrics_queue_free(cw_metrics_queue *q)
{
	size_t i;

	for (i = 0; i < CW_METRICS_QUEUE_BATCHES; i++) {
		free(q->pool[i].rows);
		free(q->pool[i].bytes);
	}
	pthread_cond_destroy(&q->changed);
	pthread_mutex_destroy(&q->lock);
	memset(q, 0, sizeof(*q));
}

/* Room for `more` bytes after the batch's bytes. */
static int reserve(cw_metrics_batch *b, size_t more)
{
	size_t cap = b->cap_bytes ? b->cap_bytes : 64 * 1024;
	char *g;

	if (more <= b->cap_bytes - b->n_bytes)
		return 0;
	if (more > SIZE_MAX / 2 - b->n_bytes)
		return CW_ENOMEM;
	while (cap - b->n_bytes < more)
		cap *= 2;
	g = realloc(b->bytes, cap);
	if (g == NULL)
		return CW_ENOMEM;
	b->bytes = g;
	b->cap_bytes = cap;
	return 0;
}

int cw_metrics_batch_add(cw_metrics_batch *b, const char *id, size_t id_len,
			 const char *text, size_t text_len,
			 int64_t created_at, int created_is_int)
{
	cw_metrics_row *r;

	if (b->n_rows == b->cap_rows) {
		size_t cap = b->cap_rows ? b->cap_rows * 2 : 512;
		cw_metrics_row *g = realloc(b->rows, cap * sizeof(*g));
		if (g == NULL)
			return CW_ENOMEM;
		b->rows = g;
		b->cap_rows = cap;
	}
	if (reserve(b, id_len + text_len) != 0)
		return CW_ENOMEM;
	r = &b->rows[b->n_rows++];
	r->id_at = b->n_bytes;
	r->id_len = id_len;
	if (id_len)
		memcpy(b->bytes + b->n_bytes, id, id_len);
	b->n_bytes += id_len;
	r->text_at = b->n_bytes;
	r->text_len = text_len;
	if (text_len)
		memcpy(b->bytes + b->n_bytes, text, text_len);
	b->n_bytes += text_len;
	r->created_at = created_at;
	r->created_is_int = created_is_int;
	return 0;
}

cw_metrics_batch *cw_metrics_batch_clear(cw_metrics_batch *b)
{
	if (b->cap_bytes > 2 * CW_METRICS_BATCH_BYTES) {
		free(b->bytes);
		b->bytes = NULL;
		b->cap_bytes = 0;
	}
	b->n_rows = 0;
	b->n_bytes = 0;
	b->is_last = 0;
	b->next = NULL;
	return b;
}

/* An empty batch may be filled: there is one, and the full ones hold
** less than CW_METRICS_QUEUE_BYTES (huge chunks wait for the counter,
** instead of filling the whole pool). */
static int can_fill(const cw_metrics_queue *q)
{
	return q->empty != NULL && q->full_bytes < CW_METRICS_QUEUE_BYTES;
}

cw_metrics_batch *cw_metrics_queue_take_empty(cw_metrics_queue *q,
					      uint64_t *waited_ns)
{
	cw_metrics_batch *b = NULL;
	uint64_t t0 = 0;

	pthread_mutex_lock(&q->lock);
	if (!can_fill(q) && waited_ns)
		t0 = now_ns();
	while (!q->stop && !can_fill(q))
		pthread_cond_wait(&q->changed, &q->lock);
	if (t0)
		*waited_ns += now_ns() - t0;
	if (!q->stop) {
		b = q->empty;
		q->empty = b->next;
	}
	pthread_mutex_unlock(&q->lock);
	return b ? cw_metrics_batch_clear(b) : NULL;
}

cw_metrics_batch *cw_metrics_queue_take_any(cw_metrics_queue *q,
					    int *is_full)
{
	cw_metrics_batch *b = NULL;

	pthread_mutex_lock(&q->lock);
	while (!q->stop && !can_fill(q) && q->n_full < 2)
		pthread_cond_wait(&q->changed, &q->lock);
	*is_full = 0;
	if (!q->stop && can_fill(q)) {
		b = q->empty;
		q->empty = b->next;
	} else if (!q->stop) {
		b = q->full;
		q->full = b->next;
		q->n_full--;
		q->full_bytes -= b->n_bytes;
		*is_full = 1;
	}
	pthread_mutex_unlock(&q->lock);
	if (b && !*is_full)
		cw_metrics_batch_clear(b);
	return b;
}

void cw_metrics_queue_put_full(cw_metrics_queue *q, cw_metrics_batch *b)
{
	pthread_mutex_lock(&q->lock);
	b->next = NULL;
	if (q->full_tail)
		q->full_tail->next = b;
	else
		q->full = b;
	q->full_tail = b;
	q->n_full++;
	q->full_bytes += b->n_bytes;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

cw_metrics_batch *cw_metrics_queue_take_full(cw_metrics_queue *q,
					     uint64_t *waited_ns)
{
	cw_metrics_batch *b;
	uint64_t t0 = 0;

	pthread_mutex_lock(&q->lock);
	if (q->full == NULL && waited_ns)
		t0 = now_ns();
	while (q->full == NULL)
		pthread_cond_wait(&q->changed, &q->lock);
	if (t0)
		*waited_ns += now_ns() - t0;
	b = q->full;
	q->full = b->next;
	if (q->full == NULL)
		q->full_tail = NULL;
	q->n_full--;
	q->full_bytes -= b->n_bytes;
	pthread_mutex_unlock(&q->lock);
	return b;
}

void cw_metrics_queue_put_empty(cw_metrics_queue *q, cw_metrics_batch *b)
{
	cw_metrics_batch_clear(b);
	pthread_mutex_lock(&q->lock);
	b->next = q->empty;
	q->empty = b;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

void cw_metrics_queue_stop(cw_metrics_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->stop = 1;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}
