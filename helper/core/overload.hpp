// SPDX-License-Identifier: GPL-2.0-or-later
// Overload{lambdas...} for std::visit over the dialer's events and actions.
#pragma once

namespace mscb::helper {

template <class... Cases>
struct Overload : Cases... {
    using Cases::operator()...;
};
template <class... Cases>
Overload(Cases...) -> Overload<Cases...>;

}  // namespace mscb::helper
