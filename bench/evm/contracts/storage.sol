// SPDX-License-Identifier: MIT
// storage: n writes to previously empty slots, then (as a separate transaction, so the
// slots are cold again) n reads.
pragma solidity ^0.8.28;

contract Storage {
    mapping(uint256 => uint256) m;

    function write(uint256 n) external {
        for (uint256 i = 0; i < n; i++) {
            m[i] = i + 1;
        }
    }

    function readSum(uint256 n) external view returns (uint256 s) {
        for (uint256 i = 0; i < n; i++) {
            s += m[i];
        }
    }
}
