using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Tracking;

namespace CaptionBoundaries.Tests.Unit.Tracking;

public sealed class ArtifactPathTests
{
    [Theory]
    [InlineData("model/best.pt", "model/best.pt")]
    [InlineData("/model//best.pt/", "model/best.pt")]
    [InlineData("reports\\\\notes.txt", "reports/notes.txt")]
    [InlineData("a b/c-d_e.f", "a b/c-d_e.f")]
    public void Paths_have_one_stored_form(string path, string stored) => Assert.Equal(stored, ArtifactPath.Normalize(path));

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("..")]
    [InlineData("../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("a/./b")]
    [InlineData("a\\\\..\\\\b")]
    [InlineData("a/\u0000/b")]
    [InlineData("line\nbreak")]
    [InlineData("a/ /b")]
    public void Paths_that_leave_the_run_or_hide_characters_are_refused(string path)
    {
        var error = Assert.Throws<DomainException>(() => ArtifactPath.Normalize(path));
        Assert.Equal("path", error.Field);
    }

    [Fact]
    public void Overlong_paths_are_refused() =>
        Assert.Throws<DomainException>(() => ArtifactPath.Normalize(string.Join('/', Enumerable.Repeat("segment", 200))));

    [Fact]
    public void Listing_shows_direct_children_with_folders_once()
    {
        var files = new[] { ("model/best.pt", 10L, "a"), ("model/config/x.json", 2L, "b"), ("notes.txt", 3L, "c"), ("modelling.txt", 4L, "d") };
        Assert.Equal(
            [new ArtifactEntry("model", true, null, null), new ArtifactEntry("modelling.txt", false, 4, "d"), new ArtifactEntry("notes.txt", false, 3, "c")],
            ArtifactListing.ChildrenOf("", files));
        Assert.Equal([new ArtifactEntry("model/best.pt", false, 10, "a"), new ArtifactEntry("model/config", true, null, null)], ArtifactListing.ChildrenOf("model", files));
    }
}
