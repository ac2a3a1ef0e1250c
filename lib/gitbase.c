/*
** gitbase.c - running git and reading a migration folder at a revision.
**
** git is started with fork and execvp (no shell, so no quoting issues with
** revisions or paths); stdout and stderr come back through pipes read with
** poll so that neither can fill up and stall the child.  A third,
** close-on-exec pipe carries errno back when exec itself fails, which is
** how "git is not installed" is told apart from git failing.
*/
#include "gitbase.h"
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the child process ---- */

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

/* In the child: wire the pipes to stdout/stderr and exec git.  Only
** async-signal-safe calls here; on failure errno goes up the ex pipe. */
static void child_exec(char *const *argv, int in_fd, int out[2], int errp[2],
		       int ex[2])
{
	int e, null_fd = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY);

	if (null_fd >= 0)
		dup2(null_fd, 0);
	dup2(out[1], 1);
	dup2(errp[1], 2);
	execvp("git", argv);
	e = errno;
	if (write(ex[1], &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

/* Append up to n bytes of buf to out, growing it. */
static int grow_append(cw_bytes *out, size_t *cap, const char *buf, size_t n)
{
	if (out->len + n + 1 > *cap) {
		size_t c = *cap ? *cap * 2 : 4096;
		char *bigger;
		while (c < out->len + n + 1)
			c *= 2;
		bigger = realloc(out->data, c);
		if (bigger == NULL)
			return -1;
		out->data = bigger;
		*cap = c;
	}
	memcpy(out->data + out->len, buf, n);
	out->len += n;
	out->data[out->len] = '\0';
	return 0;
}

/* Read stdout into out and the start of stderr into errtext until both
** pipes reach end of file. */
static int drain(cw_bytes *out, char *errtext, size_t errtext_len,
		 int out_fd, int err_fd, cw_error *err)
{
	struct pollfd p[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
	size_t cap = 0, n_err = 0;
	char buf[8192];
	int open_n = 2, k;

	while (open_n > 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return cw_error_set(err, CW_EIO, NULL, NULL, 0,
					    "reading from git: %s",
					    strerror(errno));
		}
		for (k = 0; k < 2; k++) {
			ssize_t got;
			if (p[k].fd < 0 || p[k].revents == 0)
				continue;
			got = read(p[k].fd, buf, sizeof(buf));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				p[k].fd = -1;
				open_n--;
			} else if (k == 0) {
				if (grow_append(out, &cap, buf, (size_t)got))
					return cw_error_set(err, CW_ENOMEM,
						NULL, NULL, 0, "out of memory "
						"reading git's output");
			} else {
				size_t room = errtext_len > n_err + 1 ?
					      errtext_len - n_err - 1 : 0;
				size_t take = (size_t)got < room ?
					      (size_t)got : room;
				memcpy(errtext + n_err, buf, take);
				n_err += take;
			}
		}
	}
	if (errtext_len > 0) {
		errtext[n_err < errtext_len ? n_err : errtext_len - 1] = '\0';
		errtext[strcspn(errtext, "\n")] = '\0';
	}
	return 0;
}

/* argv for execvp: git -C dir args... NULL (args cut to fit). */
static void git_argv(char **argv, size_t cap, const char *dir,
		     const char *const *args)
{
	size_t n = 0;

	argv[n++] = "git";
	argv[n++] = "-C";
	argv[n++] = (char *)dir;
	while (*args != NULL && n < cap - 1)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
}

int cw_gitbase_run(cw_bytes *out, int *out_status, char *errtext,
	       size_t errtext_len, const char *dir, const char *const *args,
	       cw_error *err)
{
	return cw_gitbase_run_input(out, out_status, errtext, errtext_len,
				    dir, args, NULL, err);
}

int cw_gitbase_run_input(cw_bytes *out, int *out_status, char *errtext,
			 size_t errtext_len, const char *dir,
			 const char *const *args, const char *input,
			 cw_error *err)
{
	int o[2] = {-1, -1}, e[2] = {-1, -1}, x[2] = {-1, -1};
	char *argv[32];
	int rc = 0, status = 0, exec_errno = 0, in_fd = -1;
	pid_t pid;

	out->data = NULL;
	out->len = 0;
	*out_status = -1;
	git_argv(argv, sizeof(argv) / sizeof(*argv), dir, args);
	/* A file, not a pipe, feeds stdin: git may read all of it before
	** writing a byte, and a pipe we also had to fill could deadlock. */
	if (input != NULL)
		in_fd = open(input, O_RDONLY | O_CLOEXEC);
	if (input != NULL && in_fd < 0) {
		rc = cw_error_set(err, CW_EIO, NULL, input, 0, "cannot run "
				  "git: open %s: %s", input, strerror(errno));
		goto done;
	}
	if (pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC) || pipe2(x, O_CLOEXEC)) {
		rc = cw_error_set(err, CW_EIO, NULL, dir, 0, "cannot run git:"
				  " pipe: %s", strerror(errno));
		goto done;
	}
	pid = fork();
	if (pid < 0) {
		rc = cw_error_set(err, CW_EIO, NULL, dir, 0, "cannot run git:"
				  " fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0)
		child_exec(argv, in_fd, o, e, x);
	close(o[1]);
	close(e[1]);
	close(x[1]);
	o[1] = e[1] = x[1] = -1;
	rc = drain(out, errtext, errtext_len, o[0], e[0], err);
	/* Closing first lets a child still writing get EPIPE, not hang. */
	close_pair(o);
	close_pair(e);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (read(x[0], &exec_errno, sizeof(exec_errno)) ==
	    (ssize_t)sizeof(exec_errno)) {
		rc = cw_error_set(err, CW_ENOTFOUND, NULL, dir, 0, "cannot "
				  "run git: %s", strerror(exec_errno));
		goto done;
	}
	*out_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	/* Callers may treat the output as a C string, even when empty. */
	if (rc == 0 && out->data == NULL) {
		out->data = calloc(1, 1);
		if (out->data == NULL)
			rc = cw_error_set(err, CW_ENOMEM, NULL, dir, 0,
					  "out of memory");
	}
done:
	if (in_fd >= 0)
		close(in_fd);
	close_pair(o);
	close_pair(e);
	close_pair(x);
	if (rc != 0)
		cw_bytes_free(out);
	return rc;
}

/* ---- the folder at a revision ---- */

static char *join3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

/* The blob at spec ("REV:path"); *found 0 if git has no such object. */
static int read_blob(cw_bytes *out, int *found, const char *dir,
		     const char *spec, cw_error *err)
{
	const char *args[] = {"cat-file", "blob", spec, NULL};
	char errtext[256];
	int status, rc;

	rc = cw_gitbase_run(out, &status, errtext, sizeof(errtext), dir, args,
			err);
	*found = rc == 0 && status == 0;
	if (rc == 0 && !*found)
		cw_bytes_free(out);
	return rc;
}

/* The work-tree prefix of dir ("apps/server/drizzle/"), after checking
** that rev names a commit. */
static int locate(char **out_prefix, const char *dir, const char *rev,
		  cw_error *err)
{
	const char *where[] = {"rev-parse", "--show-prefix", NULL};
	char spec[512], errtext[512];
	const char *verify[] = {"rev-parse", "--verify", "--quiet", spec,
				NULL};
	cw_bytes text = {0};
	int status, rc;

	rc = cw_gitbase_run(&text, &status, errtext, sizeof(errtext), dir,
			where, err);
	if (rc != 0)
		return rc;
	if (status != 0) {
		cw_bytes_free(&text);
		return cw_error_set(err, CW_ENOTFOUND, NULL, dir, 0, "%s is "
				    "not inside a git work tree, so --base "
				    "%s cannot be read (git: %s)", dir, rev,
				    errtext);
	}
	text.data[strcspn(text.data, "\n")] = '\0';
	*out_prefix = text.data;
	snprintf(spec, sizeof(spec), "%s^{commit}", rev);
	rc = cw_gitbase_run(&text, &status, errtext, sizeof(errtext), dir,
			verify, err);
	cw_bytes_free(&text);
	if (rc == 0 && status != 0)
		rc = cw_error_set(err, CW_ENOTFOUND, NULL, dir, 0, "git "
				  "revision '%s' does not exist in the "
				  "repository of %s", rev, dir);
	return rc;
}

/* Fill one migration from the journal entry and its blob. */
static int load_entry(cw_base_migration *m, const cw_journal_entry *e,
		      const char *dir, const char *rev, const char *prefix,
		      cw_error *err)
{
	cw_bytes blob = {0};
	char *spec, *tail;
	int rc;

	m->has_when = e->has_when;
	m->when = e->when;
	m->line = e->line;
	m->tag = strdup(e->tag);
	tail = join3(prefix, e->tag, ".sql");
	spec = tail ? join3(rev, ":", tail) : NULL;
	free(tail);
	if (m->tag == NULL || spec == NULL) {
		free(spec);
		return cw_error_set(err, CW_ENOMEM, NULL, dir, 0,
				    "out of memory");
	}
	rc = read_blob(&blob, &m->has_file, dir, spec, err);
	if (rc == 0 && m->has_file)
		rc = cw_hash_variants(&m->hashes, blob.data, blob.len, err);
	cw_bytes_free(&blob);
	free(spec);
	return rc;
}

/* Parse the journal blob and load every entry drizzle could have run. */
static int load_journal(cw_gitbase *out, const cw_bytes *text,
			const char *dir, const char *rev, const char *prefix,
			cw_error *err)
{
	cw_diags ignored = CW_DIAGS_INIT;
	cw_journal j;
	size_t k;
	int rc;

	rc = cw_journal_parse(&j, out->label, text->data, text->len,
			      &ignored, err);
	cw_diags_free(&ignored);
	if (rc == 0) {
		out->migrations = calloc(j.n_entries ? j.n_entries : 1,
					 sizeof(*out->migrations));
		if (out->migrations == NULL)
			rc = cw_error_set(err, CW_ENOMEM, NULL, dir, 0,
					  "out of memory");
	}
	for (k = 0; rc == 0 && k < j.n_entries; k++) {
		const cw_journal_entry *e = &j.entries[k];
		/* An entry drizzle could not run was never applied. */
		if (!e->has_tag || !e->is_tag_safe || e->tag_has_nul)
			continue;
		rc = load_entry(&out->migrations[out->n_migrations++], e,
				dir, rev, prefix, err);
	}
	cw_journal_free(&j);
	return rc;
}

int cw_gitbase_load(cw_gitbase *out, const char *dir, const char *rev,
		    cw_error *err)
{
	cw_bytes text = {0};
	char *prefix = NULL, *tail = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (rev == NULL || rev[0] == '\0' || rev[0] == '-')
		return cw_error_set(err, CW_EINVAL, NULL, NULL, 0, "--base "
				    "needs a git revision, got '%s'",
				    rev ? rev : "");
	rc = locate(&prefix, dir, rev, err);
	if (rc != 0)
		goto done;
	tail = join3(prefix, "meta/_journal.json", "");
	out->label = tail ? join3(rev, ":", tail) : NULL;
	if (out->label == NULL) {
		rc = cw_error_set(err, CW_ENOMEM, NULL, dir, 0,
				  "out of memory");
		goto done;
	}
	rc = read_blob(&text, &out->has_journal, dir, out->label, err);
	if (rc == 0 && out->has_journal)
		rc = load_journal(out, &text, dir, rev, prefix, err);
done:
	cw_bytes_free(&text);
	free(prefix);
	free(tail);
	return rc;
}

void cw_gitbase_free(cw_gitbase *b)
{
	size_t k;

	if (b == NULL)
		return;
	for (k = 0; k < b->n_migrations; k++)
		free(b->migrations[k].tag);
	free(b->migrations);
	free(b->label);
	memset(b, 0, sizeof(*b));
}
