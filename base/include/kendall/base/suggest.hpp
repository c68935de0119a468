#pragma once
/// "Did you mean ...?" suggestions for misspelt keys, units and names.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kendall {

/// Edit distance counting insertions, deletions, substitutions and adjacent transpositions.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, if it is close enough to be a plausible typo
/// (distance at most max(1, size/3)).
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

/// "; did you mean \"x\"?" or an empty string, ready to append to an error message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace kendall
