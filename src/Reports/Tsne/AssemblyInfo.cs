using System.Runtime.CompilerServices;

// The tests compare the Barnes-Hut gradient with the exact one and check the perplexity search directly.
[assembly: InternalsVisibleTo("Apollo.Reports.Tests")]
