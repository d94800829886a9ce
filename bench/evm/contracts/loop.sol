// SPDX-License-Identifier: MIT
// loop: a plain checked `for` loop; `unchecked` would be a different workload.
pragma solidity ^0.8.28;

contract Loop {
    function run(uint256 n) external pure returns (uint256 s) {
        for (uint256 i = 0; i < n; i++) {
            s += (i * i) % 7;
        }
    }
}
