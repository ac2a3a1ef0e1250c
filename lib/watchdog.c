/*
** watchdog.c - the statement time limit of confined connections (see
** watchdog.h).  A fixed table of watched statements under one mutex; the
** thread starts with the first watched statement of a process (a forked
** child starts its own: threads do not survive fork) and then wakes every
** 100 ms for the life of the process.
*/
#include "watchdog.h"
#include "db.h"

#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define N_SLOTS 16

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	sqlite3 *db;
	long long started_ms;
	int fired;
} slots[N_SLOTS];
static long long limit_ms = CW_WATCHDOG_DEFAULT_MS;
static pid_t thread_of;        /* the process whose thread runs */
static int atfork_done;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watch(void *arg)
{
	struct timespec nap = {0, 100 * 1000000L};
	int i;

	(void)arg;
	for (;;) {
		nanosleep(&nap, NULL);
		pthread_mutex_lock(&mu);
		for (i = 0; i < N_SLOTS; i++)
			if (slots[i].db != NULL && !slots[i].fired &&
			    limit_ms > 0 &&
			    now_ms() - slots[i].started_ms > limit_ms) {
				sqlite3_interrupt(slots[i].db);
				slots[i].fired = 1;
			}
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

/* A fork while the thread holds the mutex would leave it locked in the
** child for ever: hold it across the fork, release it on both sides.  The
** child watches none of its parent's statements. */
static void before_fork(void) { pthread_mutex_lock(&mu); }
static void in_parent(void) { pthread_mutex_unlock(&mu); }
static void in_child(void)
{
	memset(slots, 0, sizeof(slots));
	pthread_mutex_unlock(&mu);
}

/* With mu held: the thread of this process, started if need be. */
static int ensure_thread(void)
{
	pthread_attr_t a;
	pthread_t t;
	int ok;

	if (thread_of == getpid())
		return 1;
	if (!atfork_done &&
	    pthread_atfork(before_fork, in_parent, in_child) == 0)
		atfork_done = 1;
	if (pthread_attr_init(&a) != 0)
		return 0;
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	ok = pthread_create(&t, &a, watch, NULL) == 0;
	pthread_attr_destroy(&a);
	if (ok)
		thread_of = getpid();
	return ok;
}

void cw_watchdog_set_limit_ms(long long ms)
{
	pthread_mutex_lock(&mu);
	limit_ms = ms > 0 ? ms : 0;
	pthread_mutex_unlock(&mu);
}

long long cw_watchdog_limit_ms(void)
{
	long long ms;

	pthread_mutex_lock(&mu);
	ms = limit_ms;
	pthread_mutex_unlock(&mu);
	return ms;
}

int cw_watchdog_begin(sqlite3 *db)
{
	int i, slot = -1;

	if (!cw_db_is_confined(db))
		return -1;
	pthread_mutex_lock(&mu);
	if (limit_ms > 0 && ensure_thread())
		for (i = 0; slot < 0 && i < N_SLOTS; i++)
			if (slots[i].db == NULL) {
				slots[i].db = db;
				slots[i].started_ms = now_ms();
				slots[i].fired = 0;
				slot = i;
			}
	pthread_mutex_unlock(&mu);
	return slot;
}

int cw_watchdog_end(int slot)
{
	int fired;

	if (slot < 0 || slot >= N_SLOTS)
		return 0;
	pthread_mutex_lock(&mu);
	fired = slots[slot].fired;
	slots[slot].db = NULL;
	pthread_mutex_unlock(&mu);
	return fired;
}
