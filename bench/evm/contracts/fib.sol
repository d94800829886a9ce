// SPDX-License-Identifier: MIT
// fib: naive doubly recursive INTERNAL function, checked arithmetic, no memoization.
pragma solidity ^0.8.28;

contract Fib {
    function run(uint256 n) external pure returns (uint256) {
        return fib(n);
    }

    function fib(uint256 n) internal pure returns (uint256) {
        if (n < 2) return n;
        return fib(n - 1) + fib(n - 2);
    }
}
