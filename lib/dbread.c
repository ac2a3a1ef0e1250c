/*
** dbread.c - reading a database file without changing it (dbread.h).
*/
#include "dbread.h"
#include "codes.h"
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Size of path, or -1 when there is no such file. */
static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* path + suffix, malloc'd (NULL when out of memory). */
static char *with_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path) + strlen(suffix) + 1;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s%s", path, suffix);
	return s;
}

/* The header's write and read versions are 2 in WAL mode (file format
** section 1.3.4). */
static int header_is_wal(const char *path)
{
	unsigned char h[20];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, h, sizeof(h));
	close(fd);
	return n == (ssize_t)sizeof(h) && (h[18] == 2 || h[19] == 2);
}

/* Copy src to dst (a new file), in 1 MiB steps: memory stays flat
** whatever the size. */
static int copy_file(const char *src, const char *dst, cw_error *err)
{
	size_t cap = (size_t)1 << 20;
	char *buf = malloc(cap);
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1;
	ssize_t n = 0;
	int rc = 0;

	if (buf == NULL) {
		if (in >= 0)
			close(in);
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
	}
	if (in >= 0)
		out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	while (out >= 0 && (n = read(in, buf, cap)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (in < 0 || out < 0 || n < 0)
		rc = cw_error_set(err, CW_EIO, NULL, src, 0, "%s: cannot copy "
				  "to a private folder: %s", src,
				  strerror(errno));
	if (out >= 0 && close(out) != 0 && rc == 0)
		rc = cw_error_set(err, CW_EIO, NULL, dst, 0, "%s: %s", dst,
				  strerror(errno));
	if (in >= 0)
		close(in);
	free(buf);
	return rc;
}

/* "file:PATH?QUERY" with the characters a URI gives meaning to
** escaped. */
static char *ro_uri(const char *path, const char *query)
{
	size_t n = strlen(path), cap = 3 * n + strlen(query) + 8, i, o = 5;
	char *u = malloc(cap);

	if (u == NULL)
		return NULL;
	memcpy(u, "file:", 5);
	for (i = 0; i < n; i++) {
		if (path[i] == '%' || path[i] == '?' || path[i] == '#')
			o += (size_t)snprintf(u + o, cap - o, "%%%02X",
					      (unsigned char)path[i]);
		else
			u[o++] = path[i];
	}
	snprintf(u + o, cap - o, "?%s", query);
	return u;
}

/* Nothing the database owns runs on the read connection. */
static int defend(sqlite3 *db, cw_error *err)
{
	int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0,
				   NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0,
				       NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0,
				       NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db,
				       SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION,
				       0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL,
				  NULL);
	if (rc != SQLITE_OK)
		return cw_error_set(err, CW_ESQL, NULL, NULL, 0, "making the "
				    "connection read-only: %s",
				    sqlite3_errmsg(db));
	return 0;
}

/* Hold off writers and checkpointers of a live WAL database while it is
** copied: a copy of the main file and -wal taken while another process
** appends frames, checkpoints them into the main file or restarts the
** -wal is torn (the load test saw integrity_check fail on such copies).
** SQLite's writers take an exclusive fcntl lock on byte 120 of the -shm
** (WAL_WRITE_LOCK) and checkpointers on byte 121 (WAL_CKPT_LOCK); a shared
** lock on both makes them wait (their busy handlers retry) while readers
** go on.  fcntl locks change no byte and no mtime of the -shm.  Returns
** the open -shm descriptor holding the locks (closing it releases them),
** -1 when there is no -shm (no live connection), or -2 when the locks
** stayed taken past busy_ms. */
static int hold_wal(const char *path, int busy_ms)
{
	char *shm = with_suffix(path, "-shm");
	int fd = shm ? open(shm, O_RDONLY | O_CLOEXEC) : -1;
	struct flock fl;
	int waited = 0;

	free(shm);
	if (fd < 0)
		return -1;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 120;
	fl.l_len = 2;
	while (fcntl(fd, F_SETLK, &fl) != 0) {
		if ((errno != EACCES && errno != EAGAIN) || waited >= busy_ms) {
			close(fd);
			return errno == EACCES || errno == EAGAIN ? -2 : -1;
		}
		usleep(1000);
		waited++;
	}
	return fd;
}

/* What a copy must not have raced with: for the main file, -wal and
** -journal their inode, size and times; for the -shm, its inode (a
** connection opened or the last one closed). */
typedef struct { struct stat st[4]; int there[4]; } file_sig;
static const char *const sig_ext[] = {"", "-wal", "-journal", "-shm"};

static int take_sig(const char *path, file_sig *g)
{
	size_t i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < 4; i++) {
		char *p = with_suffix(path, sig_ext[i]);
		if (p == NULL)
			return -1;
		g->there[i] = stat(p, &g->st[i]) == 0;
		free(p);
	}
	return 0;
}

static int same_sig(const file_sig *a, const file_sig *b)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		const struct stat *x = &a->st[i], *y = &b->st[i];
		if (a->there[i] != b->there[i])
			return 0;
		if (!a->there[i])
			continue;
		if (x->st_ino != y->st_ino || x->st_dev != y->st_dev)
			return 0;
		if (i < 3 && (x->st_size != y->st_size ||
		    x->st_mtim.tv_sec != y->st_mtim.tv_sec ||
		    x->st_mtim.tv_nsec != y->st_mtim.tv_nsec ||
		    x->st_ctim.tv_sec != y->st_ctim.tv_sec ||
		    x->st_ctim.tv_nsec != y->st_ctim.tv_nsec))
			return 0;
	}
	return 1;
}

/* Copy main file, -wal and -journal of path to dst (and dst-wal, ...),
** replacing an earlier attempt. */
static int copy_set(const char *path, const char *dst_path, cw_error *err)
{
	static const char *const ext[] = {"", "-wal", "-journal"};
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(ext) / sizeof(*ext); i++) {
		char *src = with_suffix(path, ext[i]);
		char *dst = with_suffix(dst_path, ext[i]);
		if (src == NULL || dst == NULL)
			rc = cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
		else {
			(void)unlink(dst);
			if (i == 0 || file_size(src) >= 0)
				rc = copy_file(src, dst, err);
		}
		free(src);
		free(dst);
	}
	return rc;
}

/* Copy main file, -wal and -journal into a private folder.  The WAL
** locks (hold_wal) stop writers of a live database; a database with no
** -shm has no live connection to lock, but one may open, write and
** checkpoint while it is copied, so the copy is kept only when no file
** changed while it was taken, else taken again until busy_ms. */
static int make_copy(cw_dbread *r, const char *path, int busy_ms,
		     cw_error *err)
{
	char tmpl[] = P_tmpdir "/cw-audit-XXXXXX";
	file_sig before, after;
	int rc, held, waited = 0;

	if (mkdtemp(tmpl) == NULL)
		return cw_error_set(err, CW_EIO, NULL, P_tmpdir, 0, "cannot "
				    "make a private folder in %s: %s",
				    P_tmpdir, strerror(errno));
	r->copy_dir = strdup(tmpl);
	r->copy_path = r->copy_dir ? with_suffix(tmpl, "/db") : NULL;
	if (r->copy_path == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
	for (;;) {
		held = hold_wal(path, busy_ms);
		if (held == -2)
			break;
		rc = take_sig(path, &before);
		if (rc == 0)
			rc = copy_set(path, r->copy_path, err);
		if (rc == 0)
			rc = take_sig(path, &after);
		if (held >= 0)
			close(held);
		if (rc < 0)
			return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
					    "oom");
		if (rc != 0 || same_sig(&before, &after))
			return rc;
		if (waited >= busy_ms)
			break;
		usleep(10000);
		waited += 10;
	}
	return cw_error_set(err, CW_EBUSY, CW_R004, path, 0, "%s: another "
			    "process kept writing it past the busy timeout "
			    "(%d ms); no consistent copy could be taken",
			    path, busy_ms);
}

/* A defended read connection to r->path: the copy read-write (SQLite
** may have to build its -shm there), the original read-only in place. */
static int open_reader(const cw_dbread *r, sqlite3 **db, int busy_ms,
		       cw_error *err)
{
	/* A WAL-mode file with no -wal beside it is all there is, but a
	** read-only open would still create -wal and -shm: immutable=1
	** reads it without either. */
	char *uri = r->is_copy ? NULL : ro_uri(r->path, r->is_wal ?
					"immutable=1" : "mode=ro");
	int rc;

	if (r->is_copy)
		rc = cw_db_open_flags(db, r->path, SQLITE_OPEN_READWRITE,
				      busy_ms, err);
	else if (uri == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
	else
		rc = cw_db_open_flags(db, uri, SQLITE_OPEN_READONLY |
				      SQLITE_OPEN_URI, busy_ms, err);
	free(uri);
	if (rc == 0 && (rc = defend(*db, err)) != 0) {
		sqlite3_close(*db);
		*db = NULL;
	}
	return rc;
}

int cw_dbread_open_another(const cw_dbread *r, sqlite3 **out, int busy_ms,
			   cw_error *err)
{
	*out = NULL;
	return open_reader(r, out, busy_ms, err);
}

int cw_dbread_open(cw_dbread *out, const char *path, int busy_ms,
		   cw_error *err)
{
	char *wal = with_suffix(path, "-wal");
	char *jrn = with_suffix(path, "-journal");
	struct stat st;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (wal == NULL || jrn == NULL) {
		rc = cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
		goto done;
	}
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = cw_error_set(err, CW_ENOTFOUND, CW_R005, path, 0,
				  "%s: no such database file (cw never "
				  "creates one)", path);
		goto done;
	}
	out->is_wal = header_is_wal(path);
	out->wal_bytes = file_size(wal) > 0 ? file_size(wal) : 0;
	out->journal_bytes = file_size(jrn) > 0 ? file_size(jrn) : 0;
	/* An empty -wal holds no frame and an empty -journal is not hot.
	** A WAL-mode file is copied even without frames: read in place
	** (immutable), a connection that opens it during the audit and
	** checkpoints would change pages under the reader ("malformed",
	** seen by the load test). */
	out->is_copy = out->wal_bytes > 0 || out->journal_bytes > 0 ||
		       out->is_wal;
	if (out->is_copy)
		rc = make_copy(out, path, busy_ms, err);
	out->path = out->is_copy ? out->copy_path : path;
	if (rc == 0)
		rc = open_reader(out, &out->db, busy_ms, err);
	if (rc != 0 && err->path[0] != '\0' && out->copy_path &&
	    strcmp(err->path, out->copy_path) == 0)
		snprintf(err->path, sizeof(err->path), "%s", path);
done:
	if (rc != 0)
		cw_dbread_close(out);
	free(wal);
	free(jrn);
	return rc;
}

int cw_dbread_take_copy(cw_dbread *r, sqlite3 **db_out, cw_error *err)
{
	*db_out = NULL;
	if (!r->is_copy)
		return cw_error_set(err, CW_EINVAL, NULL, r->path, 0, "%s: "
				    "read in place, there is no copy to take",
				    r->path);
	sqlite3_close(r->db);
	r->db = NULL;
	return cw_db_open(db_out, r->copy_path, CW_DB_DEFAULT_BUSY_MS, err);
}

void cw_dbread_close(cw_dbread *r)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	size_t i;

	sqlite3_close(r->db);
	for (i = 0; r->copy_path && i < sizeof(ext) / sizeof(*ext); i++) {
		char *f = with_suffix(r->copy_path, ext[i]);
		if (f != NULL)
			unlink(f);
		free(f);
	}
	if (r->copy_dir != NULL)
		rmdir(r->copy_dir);
	free(r->copy_path);
	free(r->copy_dir);
	memset(r, 0, sizeof(*r));
}
