// SPDX-License-Identifier: MIT
// hash: the idiomatic keccak chain; abi.encode allocates fresh memory every iteration and
// solc never frees it, so this pays growing memory expansion (that is the point).
pragma solidity ^0.8.28;

contract Hash {
    function run(uint256 n) external pure returns (bytes32 h) {
        for (uint256 i = 0; i < n; i++) {
            h = keccak256(abi.encode(h));
        }
    }
}
