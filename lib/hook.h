/*
** hook.h - the git pre-commit hook that `cw hook install` writes.
**
** The hook is a short sh script that runs `cw check --staged` (staged.h)
** with the cw that installed it (or the one on PATH if that one is gone).
** Its second line is a marker, CW_HOOK_MARKER, by which cw knows a hook
** as its own: install replaces only its own hook unless forced, uninstall
** removes only its own.  The hooks folder is git's own answer (`git
** rev-parse --git-path hooks`), so core.hooksPath and linked work trees
** are honoured.  Nothing is printed; the caller says what happened.
*/
#ifndef CW_HOOK_H
#define CW_HOOK_H

#include "error.h"

#define CW_HOOK_MARKER "# cw-pre-commit-hook"

typedef enum cw_hook_state {
	CW_HOOK_ABSENT,     /* no pre-commit hook */
	CW_HOOK_OURS,       /* a hook cw wrote */
	CW_HOOK_FOREIGN     /* someone else's hook */
} cw_hook_state;

/* The pre-commit hook's path for the repository of dir (a path relative
** to dir's directory unless git answered with an absolute one; the caller
** frees it).  CW_ENOTFOUND if git cannot run or dir is in no repository. */
int cw_hook_path(char **out, const char *dir, cw_error *err);

/* What is at path now.  CW_EIO if it exists but cannot be read. */
int cw_hook_state_of(cw_hook_state *out, const char *path, cw_error *err);

/* The hook's text for the cw at cw_path (the caller frees it); NULL if
** out of memory. */
char *cw_hook_text(const char *cw_path);

/* Write the hook at path (creating its folder), executable, replacing
** whatever is there: the caller decides with cw_hook_state_of whether it
** may.  CW_EIO when it cannot be written; CW_ENOMEM. */
int cw_hook_write(const char *path, const char *cw_path, cw_error *err);

#endif
