/*
** hash.c - SHA-256 through OpenSSL's EVP interface.
*/
#include "hash.h"
#include "text.h"

#include <openssl/evp.h>

int cw_hash_sha256_hex(char out[CW_HASH_HEX_LEN + 1], const void *data,
		       size_t len, cw_error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0, i;

	if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1 ||
	    md_len != 32)
		return cw_error_set(err, CW_EIO, NULL, NULL, 0,
				    "SHA-256 computation failed in OpenSSL");
	for (i = 0; i < md_len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0F];
	}
	out[CW_HASH_HEX_LEN] = '\0';
	return 0;
}

int cw_hash_variants(cw_hashes *out, const char *raw, size_t raw_len,
		     cw_error *err)
{
	cw_bytes decoded = {0}, lf = {0};
	int rc;

	rc = cw_text_utf8_sanitize(&decoded, raw, raw_len, NULL, err);
	if (rc == 0)
		rc = cw_text_crlf_to_lf(&lf, decoded.data, decoded.len, err);
	if (rc == 0)
		rc = cw_hash_sha256_hex(out->drizzle, decoded.data,
					decoded.len, err);
	if (rc == 0)
		rc = cw_hash_sha256_hex(out->raw, raw, raw_len, err);
	if (rc == 0)
		rc = cw_hash_sha256_hex(out->lf, lf.data, lf.len, err);
	cw_bytes_free(&decoded);
	cw_bytes_free(&lf);
	return rc;
}
