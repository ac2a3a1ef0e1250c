/*
** atomicfile.c - temporary file, fsync, rename (see atomicfile.h).
*/
#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Best effort: make the rename itself durable (not every file system
** lets a folder be fsynced, and the new file is in place regardless). */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, e = errno;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
	errno = e;
}

static void release(cw_atomicfile *af)
{
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof(*af));
}

/* After a failure: close and remove the temporary file, fill err, release
** af, and leave errno as the failing call set it (e). */
static int fail(cw_atomicfile *af, int e, const char *what, cw_error *err)
{
	int rc;

	if (af->f != NULL)
		fclose(af->f);
	af->f = NULL;
	if (af->tmp != NULL)
		unlink(af->tmp);
	rc = cw_error_set(err, e == ENOMEM ? CW_ENOMEM : CW_EIO, NULL,
			  af->path, 0, "%s: cannot %s; left unchanged: %s",
			  af->path, what, strerror(e));
	release(af);
	errno = e;
	return rc;
}

int cw_atomicfile_open(cw_atomicfile *out, const char *path, cw_error *err)
{
	struct stat st;
	size_t n = strlen(path) + sizeof(".XXXXXX");
	int fd, e, rc, has_old;

	memset(out, 0, sizeof(*out));
	has_old = stat(path, &st) == 0;
	if (has_old && !S_ISREG(st.st_mode)) {
		/* Found now, not at the rename: a set of files fails before
		** any of them is replaced. */
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		rc = cw_error_set(err, CW_EIO, NULL, path, 0, "%s: not a "
				  "regular file; left unchanged", path);
		errno = e;
		return rc;
	}
	out->mode = has_old ? (unsigned)st.st_mode & 0777 : 0644;
	out->path = strdup(path);
	out->tmp = malloc(n);
	if (out->path == NULL || out->tmp == NULL) {
		release(out);
		rc = cw_error_set(err, CW_ENOMEM, NULL, path, 0,
				  "%s: out of memory", path);
		errno = ENOMEM;
		return rc;
	}
	snprintf(out->tmp, n, "%s.XXXXXX", path);
	fd = mkstemp(out->tmp);
	if (fd < 0) {
		e = errno;
		free(out->tmp);
		out->tmp = NULL;  /* no file was made: nothing to remove */
		return fail(out, e, "create a temporary file beside it", err);
	}
	if (fchmod(fd, (mode_t)out->mode) == 0)
		out->f = fdopen(fd, "w");
	if (out->f == NULL) {
		e = errno;
		close(fd);
		return fail(out, e, "open a temporary file beside it", err);
	}
	return 0;
}

int cw_atomicfile_sync(cw_atomicfile *af, cw_error *err)
{
	int e = 0;

	if (af->is_synced)
		return 0;
	if (af->f == NULL)
		return cw_error_set(err, CW_EINVAL, NULL, NULL, 0,
				    "no file is being written");
	/* A failed fwrite's errno is long gone; flushing again (the data
	** is still buffered) usually says what it was. */
	errno = 0;
	if (fflush(af->f) != 0 || ferror(af->f))
		e = errno ? errno : EIO;
	if (e == 0 && fsync(fileno(af->f)) != 0)
		e = errno;
	if (fclose(af->f) != 0 && e == 0)
		e = errno;
	af->f = NULL;
	if (e != 0)
		return fail(af, e, "write it", err);
	af->is_synced = 1;
	return 0;
}

int cw_atomicfile_commit(cw_atomicfile *af, cw_error *err)
{
	int rc = cw_atomicfile_sync(af, err);

	if (rc != 0)
		return rc;
	if (rename(af->tmp, af->path) != 0)
		return fail(af, errno, "replace it", err);
	sync_dir(af->path);
	release(af);
	return 0;
}

void cw_atomicfile_abort(cw_atomicfile *af)
{
	int e = errno;

	if (af == NULL)
		return;
	if (af->f != NULL)
		fclose(af->f);
	if (af->tmp != NULL)
		unlink(af->tmp);
	release(af);
	errno = e;
}

int cw_atomicfile_write(const char *path, const void *data, size_t len,
			cw_error *err)
{
	cw_atomicfile af;
	int rc = cw_atomicfile_open(&af, path, err);

	if (rc != 0)
		return rc;
	if (len > 0 && fwrite(data, 1, len, af.f) != len)
		return fail(&af, errno ? errno : EIO, "write it", err);
	return cw_atomicfile_commit(&af, err);
}
