/*
** check_hash.c - lib/hash.c: SHA-256 test vectors and the three hash
** variants (drizzle, raw, lf) of valid UTF-8, CRLF and invalid UTF-8 text.
** Expected variant hashes were computed once with Node 20's crypto:
**   raw     = sha256(buffer)
**   drizzle = sha256(buffer.toString())
**   lf      = sha256(buffer.toString().replace(/\r\n/g, "\n"))
*/
#include "unit.h"
#include "../../lib/hash.h"

#include <string.h>

#define EMPTY_SHA \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

START_TEST(test_sha256_vectors)
{
	static const char two_blocks[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[CW_HASH_HEX_LEN + 1];
	cw_error err = {0};

	ck_assert_int_eq(cw_hash_sha256_hex(hex, "", 0, &err), 0);
	ck_assert_str_eq(hex, EMPTY_SHA);
	ck_assert_int_eq(cw_hash_sha256_hex(hex, "abc", 3, &err), 0);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
			      "b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(cw_hash_sha256_hex(hex, two_blocks,
					    sizeof(two_blocks) - 1, &err), 0);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039"
			      "a33ce45964ff2167f6ecedd419db06c1");
	ck_assert_uint_eq(strlen(hex), CW_HASH_HEX_LEN);
	ck_assert_int_eq(err.code, 0);
}
END_TEST

/* One million 'a': the FIPS 180-2 long-message vector. */
START_TEST(test_sha256_million_a)
{
	static char buf[1000000];
	char hex[CW_HASH_HEX_LEN + 1];

	memset(buf, 'a', sizeof(buf));
	ck_assert_int_eq(cw_hash_sha256_hex(hex, buf, sizeof(buf), NULL), 0);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
			      "f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Hashes cover NUL bytes: the length, not strlen, decides. */
START_TEST(test_sha256_nul_bytes)
{
	char a[CW_HASH_HEX_LEN + 1], b[CW_HASH_HEX_LEN + 1];

	cw_hash_sha256_hex(a, "ab\0c", 4, NULL);
	cw_hash_sha256_hex(b, "ab", 2, NULL);
	ck_assert_str_ne(a, b);
	cw_hash_sha256_hex(b, "ab\0c", 3, NULL);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_variants_valid_utf8)
{
	static const char text[] = "CREATE TABLE a(x);\n";
	static const char want[] =
		"d89afa701da71c81c35b234f040ec570"
		"c47f1ef405559e016be5780cae90ddf7";
	cw_hashes h;
	cw_error err = {0};

	ck_assert_int_eq(cw_hash_variants(&h, text, sizeof(text) - 1, &err),
			 0);
	ck_assert_str_eq(h.drizzle, want);
	ck_assert_str_eq(h.raw, want);
	ck_assert_str_eq(h.lf, want);
}
END_TEST

/* CRLF: drizzle 0.45 hashes the bytes as they are; only lf differs. */
START_TEST(test_variants_crlf)
{
	static const char text[] =
		"CREATE TABLE a(x);\r\n--> statement-breakpoint\r\n"
		"CREATE TABLE b(y);\r\n";
	cw_hashes h;

	ck_assert_int_eq(cw_hash_variants(&h, text, sizeof(text) - 1, NULL),
			 0);
	ck_assert_str_eq(h.raw, "ce654473b2d9457077055684a5245099"
				"3a3b59b7056580a0f51ea915d3b684b1");
	ck_assert_str_eq(h.drizzle, h.raw);
	ck_assert_str_eq(h.lf, "f662a9d23df8b9214d9e3cd60ee9ea03"
			       "c13e27767bfde10db3dff8273caee507");
}
END_TEST

/* Invalid UTF-8: the stored (drizzle) hash is not sha256 of the bytes. */
START_TEST(test_variants_invalid_utf8)
{
	static const char text[] = "INSERT INTO t VALUES('\xFF\xFE');\r\n";
	cw_hashes h;

	ck_assert_int_eq(cw_hash_variants(&h, text, sizeof(text) - 1, NULL),
			 0);
	ck_assert_str_eq(h.raw, "ec83325ea504aee0273f7e9088774d35"
				"22172c7eb5dfce73f8cfbfc3bd920c71");
	ck_assert_str_eq(h.drizzle, "c2541abeb92e403a9a9883c279380a04"
				    "35a411acddeaa80c4c8ccedfcfcfe53c");
	ck_assert_str_eq(h.lf, "9087c07a41bea62a8a248d784a604a37"
			       "962374295ecd3bcce61c4bb6bfbebbf2");
	ck_assert_str_ne(h.drizzle, h.raw);
}
END_TEST

START_TEST(test_variants_empty)
{
	cw_hashes h;

	ck_assert_int_eq(cw_hash_variants(&h, "", 0, NULL), 0);
	ck_assert_str_eq(h.drizzle, EMPTY_SHA);
	ck_assert_str_eq(h.raw, EMPTY_SHA);
	ck_assert_str_eq(h.lf, EMPTY_SHA);
}
END_TEST

static Suite *hash_suite(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("sha256");

	tcase_add_test(tc, test_sha256_vectors);
	tcase_add_test(tc, test_sha256_million_a);
	tcase_add_test(tc, test_sha256_nul_bytes);
	suite_add_tcase(s, tc);
	tc = tcase_create("variants");
	tcase_add_test(tc, test_variants_valid_utf8);
	tcase_add_test(tc, test_variants_crlf);
	tcase_add_test(tc, test_variants_invalid_utf8);
	tcase_add_test(tc, test_variants_empty);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(hash_suite());
}
