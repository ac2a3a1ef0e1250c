/*
** replay_jobs.h - `cw replay --jobs N`: the replay split over N forked
** processes, their findings merged (replay_jobs.c).
*/
#ifndef CW_REPLAY_JOBS_H
#define CW_REPLAY_JOBS_H

#include <stddef.h>
#include "../lib/diag.h"
#include "../lib/error.h"
#include "../lib/folder.h"
#include "../lib/replay.h"

/* Like cw_replay_run, with the prefixes of o's shard dealt to `jobs`
** children.  res and out receive the merged results. */
int replay_jobs_run(cw_replay_result *res, cw_diags *out, const cw_folder *f,
		    const cw_replay_options *o, size_t jobs, cw_error *err);

#endif
