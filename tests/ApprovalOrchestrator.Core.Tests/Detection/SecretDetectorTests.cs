using static ApprovalOrchestrator.Core.Tests.Detection.DetectionKit;

namespace ApprovalOrchestrator.Core.Tests.Detection;

public class SecretDetectorTests
{
    private const string Jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    [Theory]
    [InlineData("Authorization: Bearer " + Jwt)]
    [InlineData("token=" + Jwt + "&x=1")]
    [InlineData("{\"id_token\":\"" + Jwt + "\"}")]
    public void Jwts_are_found(string text) => AssertSingle(text, "jwt", Jwt);

    [Fact]
    public void An_unsigned_jwt_is_found()
    {
        const string none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ.";
        AssertSingle($"t {none} end", "jwt", none);
    }

    [Theory]
    [InlineData("eyJub3QiOiJhIHRva2VuIn0.eyJzdWIiOiJib2IifQ.abc")] // header has no alg
    [InlineData("eyJhbGciOiJIUzI1NiJ9")] // one part
    [InlineData("eyJ!!!!!!.eyJ.x")]
    public void Jwt_shapes_that_are_not_tokens_are_not_jwts(string text) => AssertNo(text, "jwt");

    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPLE")]
    [InlineData("ASIAY34FZKBOKMUTVV7A")]
    [InlineData("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")]
    [InlineData("gho_16C7e42F292c6912E7710c838347Ae178B4a")]
    [InlineData("github_pat_11ABCDEFG0123456789abc_0123456789abcdefghijABCDEFGHIJ0123456789abcdefghijABCDEFGHIJ12")]
    [InlineData("glpat-xxxxXXXX1234yyyyZZZZ")]
    [InlineData("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx")]
    [InlineData("sk_live_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("rk_live_51H8abcdEFGHijklMNOPqrst")]
    [InlineData("AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY")]
    [InlineData("sk-proj-abcDEF123ghiJKL456mnoPQR789stu")]
    [InlineData("sk-abc123def456ghi789jkl0")]
    [InlineData("sk-ant-api03-abcDEF123ghiJKL456mnoPQR789stuVWX")]
    [InlineData("npm_abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("hf_abcdefghijklmnopqrstuvwxyzABCDEFGH")]
    [InlineData("SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")]
    public void Provider_keys_are_found_by_prefix(string key) => AssertSingle($"use {key} now", "api-key", key);

    [Theory]
    [InlineData("AKIA1234")] // too short
    [InlineData("ghp_short")]
    [InlineData("task-force and sk-8 and skip-this")]
    [InlineData("pk_live_4eC39HqLyjWDarjtT1zdp7dc")] // publishable, not secret
    [InlineData("mask-abcdefghijklmnopqrstuvwxyz")] // "sk-" inside a word
    public void Prefix_near_misses_are_not_keys(string text) => AssertNo(text, "api-key");

    [Theory]
    [InlineData("blob Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZg== end", "Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZg==")]
    [InlineData("x aB3dE5gH7jK9mN1pQ3sT5vX7z y", "aB3dE5gH7jK9mN1pQ3sT5vX7z")]
    [InlineData("secret: 3f9a1c0e7b2d4a6f8e1c3b5d7a9f0e2c", "3f9a1c0e7b2d4a6f8e1c3b5d7a9f0e2c")]
    [InlineData("token=ghp_A1b2C3d4E5f6G7h8I9j0K1l2", "ghp_A1b2C3d4E5f6G7h8I9j0K1l2")]
    [InlineData("api key 550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440000")]
    public void Random_looking_tokens_are_high_entropy(string text, string token) => AssertSingle(text, "high-entropy", token);

    [Theory]
    [InlineData("commit 3f9a1c0e7b2d4a6f8e1c3b5d7a9f0e2c4b6d8e0f")] // git SHA
    [InlineData("sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("request 550e8400-e29b-41d4-a716-446655440000")] // UUID
    [InlineData("class ProcessingQueueWorker2024Handler")]
    [InlineData("call getUserById2FromCache and ISO8601DateTimeFormatter")]
    [InlineData("A very-long-hyphenated-identifier-without-digits stays.")]
    [InlineData("path src/ApprovalOrchestrator.Core/Detection/Detectors")]
    [InlineData("<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\">")]
    public void Identifiers_hashes_and_images_are_not_high_entropy(string text) => AssertNo(text, "high-entropy");

    [Fact]
    public void A_pem_private_key_block_is_found_whole()
    {
        const string key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aumXQ0c7Z9h1vZ\nAbCdEf==\n-----END RSA PRIVATE KEY-----";
        AssertSingle($"key:\n{key}\nthanks", "private-key", key);
    }

    [Theory]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\\n-----END OPENSSH PRIVATE KEY-----")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----")]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkq\n-----END ENCRYPTED PRIVATE KEY-----")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY-----")]
    [InlineData("-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----")]
    public void Every_private_key_kind_is_found(string key) => AssertSingle(key, "private-key", key);

    [Fact]
    public void A_truncated_private_key_is_redacted_to_the_end()
    {
        const string text = "here: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC";
        AssertSingle(text, "private-key", text["here: ".Length..]);
    }

    [Theory]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----")]
    [InlineData("the private key is stored in the vault")]
    public void Public_material_is_not_a_private_key(string text) => AssertNo(text, "private-key");

    [Theory]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("{\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==")]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=abcdEFGHijklMNOP1234qrstUVWX5678yzAB=", "abcdEFGHijklMNOP1234qrstUVWX5678yzAB=")]
    [InlineData("https://a.blob.core.windows.net/c/f?sv=2022-11-02&ss=b&sig=abcDEF123ghiJKL456mnoPQR789stu%3D", "abcDEF123ghiJKL456mnoPQR789stu%3D")]
    [InlineData("{\"type\": \"service_account\", \"private_key_id\": \"0123456789abcdef0123456789abcdef01234567\"}", "0123456789abcdef0123456789abcdef01234567")]
    public void Cloud_credentials_are_found_by_their_name(string text, string value) => AssertSingle(text, "cloud-credential", value);

    [Fact]
    public void A_service_account_private_key_is_one_finding_labelled_private_key()
    {
        const string pem = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n";
        var text = $"{{\"type\": \"service_account\", \"private_key\": \"{pem}\", \"client_email\": \"x\"}}";
        AssertSingle(text, "private-key", pem);
    }

    [Theory]
    [InlineData("aws_secret_access_key = <your key here>")]
    [InlineData("AccountKey=short")]
    [InlineData("https://example.com/?sig=abcDEF123ghiJKL456mnoPQR789stu")] // no sv=: not a SAS
    public void Cloud_credential_near_misses(string text) => AssertNo(text, "cloud-credential");
}
