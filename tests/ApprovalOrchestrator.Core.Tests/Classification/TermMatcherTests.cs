using ApprovalOrchestrator.Core.Classification;

namespace ApprovalOrchestrator.Core.Tests.Classification;

public class TermMatcherTests
{
    [Theory]
    [InlineData("delete", "deleting the files")]
    [InlineData("delete", "we deleted it")]
    [InlineData("delete", "it deletes rows")]
    [InlineData("email", "read my emails")]
    [InlineData("email", "I emailed them")]
    [InlineData("email", "emailing now")]
    [InlineData("email", "e-mail")] // one word split by a hyphen reads as one word
    [InlineData("transfer funds", "transferring funds today")]
    [InlineData("transfer funds", "transferred funds")]
    [InlineData("remove permanently", "the rows were removed permanently")]
    [InlineData("api key", "rotate the api keys")]
    [InlineData("token", "list all tokens")]
    [InlineData("send", "the report was sent")]
    [InlineData("send", "sending it")]
    [InlineData("run shell", "ran shell scripts")]
    [InlineData("run shell", "running shells")]
    [InlineData("write file", "wrote files to disk")]
    [InlineData("write file", "has written a file")]
    [InlineData("pay", "they paid")]
    [InlineData("modify", "modifies the config")]
    [InlineData("modify", "modified")]
    [InlineData("modify", "modifying")]
    [InlineData("notify", "notified the team")]
    [InlineData("approve", "approved by finance")]
    [InlineData("ship", "shipped yesterday")]
    [InlineData("wipe", "wiping disks")]
    [InlineData("ssh", "ssh-keygen")] // hyphen separates words
    [InlineData("hr record", "HR_records")] // underscore separates words
    public void Matches_whole_words_and_inflections(string term, string text) =>
        Assert.True(new TermMatcher(term).IsMatch(text));

    [Theory]
    [InlineData("token", "tokenize the input")]
    [InlineData("token", "tokenizer")]
    [InlineData("bank", "walk along the embankment")]
    [InlineData("send", "write a sentence")]
    [InlineData("change", "update the changelog")] // compounds are not split: changelog is documentation, not a change
    [InlineData("secret", "a secretary called")]
    [InlineData("sudo", "pseudocode")]
    [InlineData("api key", "api monkey")]
    [InlineData("transfer funds", "funds transfer")] // word order matters
    public void Does_not_match_other_words(string term, string text) =>
        Assert.False(new TermMatcher(term).IsMatch(text));

    [Theory]
    [InlineData("run shell", "Run a shell command")]
    [InlineData("execute command", "execute this command")]
    [InlineData("upload private", "upload all my private keys")]
    [InlineData("transfer funds", "transfer the funds")]
    [InlineData("wire money", "wire them some money")]
    public void Allows_up_to_two_filler_words_between_term_words(string term, string text) =>
        Assert.True(new TermMatcher(term).IsMatch(text));

    [Theory]
    [InlineData("run shell", "run all of the shell")] // "of" is not a filler
    [InlineData("run shell", "run the tests and open a shell")]
    [InlineData("upload private", "upload all of our private")] // "of" again
    [InlineData("transfer funds", "transfer all of these funds")]
    [InlineData("execute command", "execute a the this command")] // three fillers
    public void Rejects_gaps_that_are_not_short_fillers(string term, string text) =>
        Assert.False(new TermMatcher(term).IsMatch(text));

    [Fact]
    public void A_term_without_words_is_rejected() =>
        Assert.Throws<ArgumentException>(() => new TermMatcher(" -- "));

    [Fact]
    public void Term_text_is_normalised_like_request_text() =>
        Assert.True(new TermMatcher("API  Key").IsMatch("api keys"));
}
